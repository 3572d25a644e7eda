export * from './conversation-driver.js';
export * from './logger.js';
