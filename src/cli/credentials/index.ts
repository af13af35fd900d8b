/** `nexus credentials …`: the tools that create and check the proxy's per-domain credentials files. */
export { credentialsCommand } from './credentials-command.js';
