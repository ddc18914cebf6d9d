/** Runs once before the test files: builds the fixtures they share (see test/support). */
export default async function setup(): Promise<void> {}
