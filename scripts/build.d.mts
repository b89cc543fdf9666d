// Types of scripts/build.mjs (plain JavaScript: it runs before anything is compiled).
export declare const APP_DIR: string;
export declare const BUNDLE_DIR: string;
export declare const SERVER_NODE_FLAGS: string[];
export declare function buildBundles(): Promise<void>;
export declare function buildAll(abort?: AbortSignal): Promise<void>;
