declare const __BB_DOCTOR_VERSION__: string | undefined;

/** Filled in by the bundler (scripts/build.js); tests run from source. */
export const VERSION: string =
  typeof __BB_DOCTOR_VERSION__ === 'string' ? __BB_DOCTOR_VERSION__ : '0.1.0';
