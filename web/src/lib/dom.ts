// The tiny view helper: h() builds DOM elements; a function given as a child or as an attribute
// value is "live": it is evaluated now and again after every language change (relocalize()), so
// switching language updates every text in place and keeps the page, its state and whatever was
// typed in forms.

export type Live = () => string;
export type Child = Node | string | number | null | undefined | false | Live | Child[];
export type Attrs = Record<string, unknown>;

interface Binding {
  ref: { deref(): Node | undefined };
  update: () => void;
}

let bindings: Binding[] = [];

// Browsers without WeakRef (Firefox 78, Safari 14.0) keep the nodes: a slow leak, not a bug.
const hold: (n: Node) => Binding['ref'] =
  typeof WeakRef === 'function' ? (n) => new WeakRef(n) : (n) => ({ deref: () => n });

function bind(node: Node, update: () => void): void {
  update();
  bindings.push({ ref: hold(node), update });
}

/** Re-evaluates every live text and attribute still in memory; forgets collected nodes. */
export function relocalize(): void {
  bindings = bindings.filter((b) => {
    if (!b.ref.deref()) return false;
    b.update();
    return true;
  });
}

/** A text node whose content follows fn() across language changes. */
export function live(fn: Live): Text {
  const node = document.createTextNode('');
  bind(node, () => {
    node.data = fn();
  });
  return node;
}

/** Keeps attribute `name` of `el` equal to fn() across language changes. */
export function liveAttr(el: Element, name: string, fn: Live): void {
  bind(el, () => el.setAttribute(name, fn()));
}

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate']);

function setAttr(el: Element, name: string, value: unknown): void {
  if (value === undefined || value === null || value === false) return;
  if (name.startsWith('on') && typeof value === 'function') {
    el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
  } else if (typeof value === 'function') {
    liveAttr(el, name, value as Live);
  } else if (PROPS.has(name)) {
    (el as unknown as Record<string, unknown>)[name] = value;
    if (name !== 'value') el.setAttribute(name, '');
  } else if (value === true) {
    el.setAttribute(name, '');
  } else {
    el.setAttribute(name, String(value));
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, ...c);
    else if (typeof c === 'function') parent.appendChild(live(c));
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** Creates an element. Attributes: onX = event listener, function = live value, true = present. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (k !== 'value') setAttr(el, k, v);
  append(el, ...children);
  // A <select>'s value can only be set once its options exist.
  if (attrs && attrs.value !== undefined) setAttr(el, 'value', attrs.value);
  return el;
}

/** Replaces all children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

let uid = 0;
/** A document-unique id with a readable prefix. */
export function newId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

const SVG = 'http://www.w3.org/2000/svg';
/** A decorative 24×24 line icon made of the given path data (hidden from assistive technology). */
export function icon(paths: readonly string[], cls = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of paths) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}
