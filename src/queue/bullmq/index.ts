export { createBullmqBackend, type BullmqBackendOptions } from './bullmq-backend.js';
