export * from './channel.js';
export * from './conversation-driver.js';
export * from './logger.js';
