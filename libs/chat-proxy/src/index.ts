export { ChatProxyModule } from './chat-proxy.module.js';
