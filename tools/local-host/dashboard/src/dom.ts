/** A tiny element builder: text goes through textContent, so instance data can never inject markup. */
export type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Attrs = {},
    ...children: Child[]
): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === false) continue;
        if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
        else if (key === 'class') el.className = String(value);
        else el.setAttribute(key, value === true ? '' : String(value));
    }
    append(el, children);
    return el;
}

export function append(parent: Node, children: Child[]): void {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
    parent.textContent = '';
    append(parent, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
    const el = document.getElementById(id);
    if (!el) throw new Error(`The page has no element #${id}.`);
    return el as T;
}
