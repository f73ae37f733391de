// Record ids are made on the device (UUID v7: time-ordered, and crypto.randomUUID is missing
// on plain-http LAN origins).
import { v7 } from 'uuid';

export const newId = (): string => v7();
