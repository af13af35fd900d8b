/**
 * Messages as a person reads them: role, then each block (text, thinking, a tool call with its
 * input, a tool result, an image or document placeholder). Everything is text in the page; nothing
 * from a body is ever rendered as HTML (hono/jsx escapes every string).
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatBytes, formatCount } from '../format.js';
import type { BlockView, Clipped, MessageView } from '../message-view.js';

export function Messages(props: { messages: MessageView[] }): JSX.Element {
  return (
    <ol class="messages">
      {props.messages.map((message) => (
        <li class={`message-turn role-${message.role === 'user' || message.role === 'assistant' ? message.role : 'other'}`} data-role={message.role} data-index={String(message.index)}>
          <span class="role">{message.role}</span>
          <Blocks blocks={message.blocks} />
        </li>
      ))}
    </ol>
  );
}

export function Blocks(props: { blocks: BlockView[] }): JSX.Element {
  return (
    <div class="blocks">
      {props.blocks.map((block) => (
        <Block block={block} />
      ))}
    </div>
  );
}

function Block(props: { block: BlockView }): JSX.Element {
  const { block } = props;
  switch (block.kind) {
    case 'text':
      return (
        <div class="block block-text" data-block="text">
          <ClippedText value={block.text} />
        </div>
      );
    case 'thinking':
      return (
        <details class="block block-thinking" data-block="thinking" open={!block.redacted && block.text.text.length < 2000}>
          <summary>{block.redacted ? 'Thinking (redacted by the API)' : `Thinking · ${formatCount(block.text.text.length + block.text.cut)} characters`}</summary>
          {block.redacted ? null : <ClippedText value={block.text} />}
        </details>
      );
    case 'tool_use':
      return (
        <div class="block block-tool-use" data-block="tool_use" data-tool={block.name}>
          <p class="block-head">
            {block.type === 'tool_use' ? 'Tool call' : block.type.replaceAll('_', ' ')} <strong>{block.name}</strong> <code class="muted">{block.id}</code>
          </p>
          <ClippedText value={block.input} pre />
        </div>
      );
    case 'tool_result':
      return (
        <div class={`block block-tool-result${block.isError ? ' is-error' : ''}`} data-block="tool_result" data-tool-use-id={block.toolUseId}>
          <p class="block-head">
            {block.isError ? 'Tool error' : 'Tool result'} for <code>{block.toolUseId}</code>
          </p>
          {block.content.length === 0 ? <p class="muted">(empty)</p> : <Blocks blocks={block.content} />}
        </div>
      );
    case 'media':
      return (
        <p class="block block-media" data-block={block.type}>
          [{block.type}: {block.mediaType}
          {block.bytes === null ? '' : `, ${formatBytes(block.bytes)}`}
          {`, ${block.source}`}
          {block.title === null ? '' : ` · ${block.title}`}; not shown]
        </p>
      );
    case 'other':
      return (
        <div class="block block-other" data-block={block.type}>
          <p class="block-head">{block.type}</p>
          <ClippedText value={block.json} pre />
        </div>
      );
  }
}

function ClippedText(props: { value: Clipped; pre?: boolean }): JSX.Element {
  const { value } = props;
  return (
    <>
      <pre class={props.pre === true ? 'json' : 'text'}>{value.text}</pre>
      {value.cut > 0 ? <p class="clipped">… {formatCount(value.cut)} more characters not shown (see the raw body).</p> : null}
    </>
  );
}
