// A tiny element builder; text always goes in through textContent (never innerHTML).

type Attrs = Record<string, string | undefined | false>;
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else el.setAttribute(name, value);
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A `<button type="button">` that calls `onClick`. */
export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  attrs: Attrs = {},
): HTMLButtonElement {
  const el = h('button', { type: 'button', class: 'btn btn-ghost', ...attrs }, label);
  el.addEventListener('click', onClick);
  return el;
}

/** A labelled `<select>`; `value` is selected when present. */
export function select(
  id: string,
  options: readonly { value: string; label: string }[],
  value?: string,
  attrs: Attrs = {},
): HTMLSelectElement {
  const el = h('select', { id, name: id, ...attrs });
  for (const o of options) el.append(h('option', { value: o.value }, o.label));
  if (value !== undefined) el.value = value;
  return el;
}

/** Label + control in one `.field`. */
export function field(
  label: string,
  control: HTMLElement,
  hint?: string,
  extraClass = '',
): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h(
    'div',
    { class: `field ${extraClass}`.trim() },
    h('label', { for: id }, label),
    control,
    hint ? h('span', { class: 'field-hint' }, hint) : null,
  );
}
