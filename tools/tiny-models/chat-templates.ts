/**
 * Our own Jinja chat templates for the tiny models. They reproduce the prompt format of each real
 * model's template for what the qwen_vlm block sends — a system message and user messages made of
 * image and text parts — and the generation prompt; tools, videos' timestamps and multi-turn
 * reasoning history are out of scope.
 *
 * transformers.js 4.3.1 reads the template from `tokenizer_config.json` (`chat_template`) for the Qwen-VL
 * processors (src/processing_utils.js: only processors with `uses_chat_template_file` read
 * chat_template.jinja), and passes extra `apply_chat_template` options such as `enable_thinking` to the
 * template as variables (src/tokenization_utils.js).
 *
 * Every tag strips the whitespace before it (`{%-`, `{{-`), so only quoted strings reach the prompt.
 */

// The part loop every family shares: an image part becomes the vision placeholder that the processor
// later expands to one <|image_pad|> per merged patch; a text part is copied as is. Parts are recognised
// like the real templates do: `type == 'image'`, or an `image` / `image_url` key.
const RENDER_PARTS = `
        {%- for part in message.content %}
            {%- if part.type == 'image' or 'image' in part or 'image_url' in part %}
                {%- set image_count.value = image_count.value + 1 %}
                {%- if add_vision_id %}{{- 'Picture ' }}{{- image_count.value }}{{- ': ' }}{%- endif %}
                {{- '<|vision_start|><|image_pad|><|vision_end|>' }}
            {%- elif part.type == 'video' or 'video' in part %}
                {%- set video_count.value = video_count.value + 1 %}
                {%- if add_vision_id %}{{- 'Video ' }}{{- video_count.value }}{{- ': ' }}{%- endif %}
                {{- '<|vision_start|><|video_pad|><|vision_end|>' }}
            {%- elif 'text' in part %}
                {{- part.text }}
            {%- endif %}
        {%- endfor %}`;

/**
 * Qwen2.5-VL. Same format as the template in Qwen/Qwen2.5-VL-7B-Instruct's tokenizer_config.json (and
 * Qwen2-VL's): when the conversation does not open with a system message, the default system message
 * "You are a helpful assistant." is inserted; the generation prompt is `<|im_start|>assistant\n`.
 */
export const QWEN2_5_VL_CHAT_TEMPLATE = String.raw`
{%- set image_count = namespace(value=0) %}
{%- set video_count = namespace(value=0) %}
{%- for message in messages %}
    {%- if loop.first and message.role != 'system' %}
        {{- '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
    {{- '<|im_start|>' + message.role + '\n' }}
    {%- if message.content is string %}
        {{- message.content }}
    {%- else %}${RENDER_PARTS}
    {%- endif %}
    {{- '<|im_end|>\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}`.trim();

/**
 * Qwen3-VL (Instruct). Same format as Qwen/Qwen3-VL-2B-Instruct's chat template (quoted in public code
 * that tests Qwen3-VL prompts): no default system message — a system message is rendered only when it
 * comes first, from its text; the generation prompt is `<|im_start|>assistant\n` with no think block.
 */
export const QWEN3_VL_CHAT_TEMPLATE = String.raw`
{%- if messages[0].role == 'system' %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0].content is string %}
        {{- messages[0].content }}
    {%- else %}
        {%- for part in messages[0].content %}
            {%- if 'text' in part %}{{- part.text }}{%- endif %}
        {%- endfor %}
    {%- endif %}
    {{- '<|im_end|>\n' }}
{%- endif %}
{%- set image_count = namespace(value=0) %}
{%- set video_count = namespace(value=0) %}
{%- for message in messages %}
    {%- if message.role == 'user' or message.role == 'assistant' %}
        {{- '<|im_start|>' + message.role + '\n' }}
        {%- if message.content is string %}
            {{- message.content }}
        {%- else %}${RENDER_PARTS}
        {%- endif %}
        {{- '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}`.trim();

/**
 * Qwen3.5 (the small 0.8B / 2B checkpoints). Same format as Qwen/Qwen3.5-2B's chat_template.jinja, as
 * quoted in public code and notes about it: no default system message; system and user contents are
 * rendered then trimmed; an earlier assistant turn keeps only the text after its `</think>`.
 * Thinking is opt-in on these sizes: with `enable_thinking` true the generation prompt is
 * `<|im_start|>assistant\n<think>\n` (the model writes its reasoning, then `</think>`); otherwise —
 * false or not given — it is `<|im_start|>assistant\n<think>\n\n</think>\n\n`, an empty closed think
 * block. (Qwen3.5 4B and larger invert the default: thinking unless `enable_thinking` is false.)
 */
export const QWEN3_5_CHAT_TEMPLATE = String.raw`
{%- set image_count = namespace(value=0) %}
{%- set video_count = namespace(value=0) %}
{%- for message in messages %}
    {%- set rendered = namespace(text='') %}
    {%- if message.content is string %}
        {%- set rendered.text = message.content %}
    {%- else %}
        {%- for part in message.content %}
            {%- if part.type == 'image' or 'image' in part or 'image_url' in part %}
                {%- set image_count.value = image_count.value + 1 %}
                {%- if add_vision_id %}
                    {%- set rendered.text = rendered.text + 'Picture ' + (image_count.value | string) + ': ' %}
                {%- endif %}
                {%- set rendered.text = rendered.text + '<|vision_start|><|image_pad|><|vision_end|>' %}
            {%- elif part.type == 'video' or 'video' in part %}
                {%- set video_count.value = video_count.value + 1 %}
                {%- if add_vision_id %}
                    {%- set rendered.text = rendered.text + 'Video ' + (video_count.value | string) + ': ' %}
                {%- endif %}
                {%- set rendered.text = rendered.text + '<|vision_start|><|video_pad|><|vision_end|>' %}
            {%- elif 'text' in part %}
                {%- set rendered.text = rendered.text + part.text %}
            {%- endif %}
        {%- endfor %}
    {%- endif %}
    {%- set content = rendered.text | trim %}
    {%- if message.role == 'system' %}
        {%- if loop.first %}
            {{- '<|im_start|>system\n' + content + '<|im_end|>\n' }}
        {%- endif %}
    {%- elif message.role == 'user' %}
        {{- '<|im_start|>user\n' + content + '<|im_end|>\n' }}
    {%- elif message.role == 'assistant' %}
        {%- if '</think>' in content %}
            {%- set content = (content.split('</think>') | last).lstrip('\n') %}
        {%- endif %}
        {{- '<|im_start|>assistant\n' + content + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
    {%- if enable_thinking is defined and enable_thinking is true %}
        {{- '<think>\n' }}
    {%- else %}
        {{- '<think>\n\n</think>\n\n' }}
    {%- endif %}
{%- endif %}`.trim();
