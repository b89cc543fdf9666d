// Types of scripts/source-stamp.mjs (plain JavaScript: the launchers run before anything is compiled).
export declare const BUNDLE_INPUTS: string[];
export declare const APP_INPUTS: string[];
export declare function sourceStamp(root: string, inputs: string[]): string;
export declare function stampIsCurrent(file: string, root: string, inputs: string[]): boolean;
export declare function writeStamp(file: string, root: string, inputs: string[]): void;
