// Types of ./targets.mjs for the tests that import it.
export declare const DAWN_TARGETS: Record<string, string>;
export declare function dawnFolder(target: string): string | undefined;
