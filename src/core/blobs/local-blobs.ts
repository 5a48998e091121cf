import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkBlobName, type BlobStore } from './blob-store.js';

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Objects as files under one folder (owner-only), each written to a temporary name, synced and renamed into place. */
export function localBlobs(dir: string): BlobStore {
  const pathOf = (name: string) => join(dir, checkBlobName(name));
  return {
    async put(name, bytes) {
      const path = pathOf(name);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${randomUUID()}.tmp`;
      const file = await open(tmp, 'w', 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, path);
    },
    async get(name) {
      try {
        return await readFile(pathOf(name));
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
    async delete(name) {
      await rm(pathOf(name), { force: true });
    },
  };
}
