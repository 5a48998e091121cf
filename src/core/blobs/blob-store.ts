/**
 * Where large opaque files (call recordings) are kept: a local folder or
 * any S3-compatible bucket. The bytes given are already sealed
 * (`sealed-blob.ts`); a store never sees them in the clear.
 */
export interface BlobStore {
  /** Writes the whole object; a crash leaves the old one or the new one, never half. */
  put(name: string, bytes: Uint8Array): Promise<void>;
  /** The object, or null when there is none. */
  get(name: string): Promise<Buffer | null>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(name: string): Promise<void>;
}

/** Object names are ours (a random id and an extension): nothing from a caller reaches a path or a URL. */
export const BLOB_NAME = /^[a-z0-9][a-z0-9/_.-]{0,199}$/;

export function checkBlobName(name: string): string {
  if (!BLOB_NAME.test(name) || name.includes('..'))
    throw new Error(`blob name "${name}" is not one of ours`);
  return name;
}
