export { stackUp, type StackUpOptions, type StackUpResult } from './stack-up.js';
export { stackDown, stackRelease, type StackDownOptions, type StackDownResult, type StackReleaseResult } from './stack-down.js';
export { stackStatus, type ServiceStatus, type StackStatus } from './stack-status.js';
export { stackPaths, type StackPaths } from './paths.js';
export type { StackPorts } from './ports.js';
export { KAFKA_VERSION, REGISTRY_VERSION } from './versions.js';
