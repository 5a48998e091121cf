export { checkBlobName, type BlobStore } from './blob-store.js';
export { localBlobs } from './local-blobs.js';
export { s3Blobs, type S3Settings } from './s3-blobs.js';
export { openBlob, sealBlob } from './sealed-blob.js';
