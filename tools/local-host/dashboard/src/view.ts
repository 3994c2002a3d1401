/** A page of the dashboard; `refresh` is called on every live tick and must not disturb the user's input. */
export interface View {
    title: string;
    refresh(): Promise<void>;
    dispose?(): void;
}
