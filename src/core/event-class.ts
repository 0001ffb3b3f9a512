// The two classes of event PostHog prices and processes differently: anonymous events write no
// person, identified ones look up and update one. In the core because the scenario, the load, the
// measurements and the reference target all count by class.

export type EventClass = 'anonymous' | 'identified';
export const EVENT_CLASSES: readonly EventClass[] = ['anonymous', 'identified'];
