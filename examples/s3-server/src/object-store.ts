/**
 * The server's storage on local disk. Each object is a data file holding the stored (encrypted)
 * body and a JSON metadata file that names it:
 *
 *     <dataDir>/buckets/<bucket>/bucket-encryption.xml        bucket default encryption
 *     <dataDir>/buckets/<bucket>/objects/<sha256(key)>.json   ObjectRecord
 *     <dataDir>/buckets/<bucket>/objects/<sha256(key)>.<random>.data
 *     <dataDir>/buckets/<bucket>/uploads/<uploadId>/upload.json, part-<n>.json, part-<n>.<random>.data
 *     <dataDir>/tmp/                                          bodies being received
 *
 * An overwrite writes a new data file, then replaces the JSON file with a rename, then removes the
 * old data file, so a reader sees either the old or the new object, never a mix.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashKey, type ObjectRecord, type PartRecord, type UploadRecord } from './records.js';

/** Returns the paths of one object in a data directory, for tools that write objects directly. */
export function storedObjectPaths(
  dataDir: string,
  bucket: string,
  key: string,
): { objectsDirectory: string; metadataFile: string; dataFilePrefix: string } {
  const objectsDirectory = join(dataDir, 'buckets', bucket, 'objects');
  const hash = hashKey(key);
  return {
    objectsDirectory,
    metadataFile: join(objectsDirectory, `${hash}.json`),
    dataFilePrefix: hash,
  };
}

/** Files on disk for buckets, objects and multipart uploads. Names are validated by the caller. */
export class ObjectStore {
  readonly #dataDir: string;
  readonly #tmpDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.#tmpDir = join(dataDir, 'tmp');
  }

  /** Creates the data directory's folders and removes leftovers of interrupted writes. */
  async init(): Promise<void> {
    await mkdir(join(this.#dataDir, 'buckets'), { recursive: true });
    await rm(this.#tmpDir, { recursive: true, force: true });
    await mkdir(this.#tmpDir, { recursive: true });
  }

  /** Returns a fresh path for a body being received; move it into place with a commit. */
  tempPath(): string {
    return join(this.#tmpDir, randomBytes(12).toString('hex'));
  }

  /** Removes a temporary file, ignoring one that is already gone. */
  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /** Creates a bucket; returns `false` when it exists. */
  async createBucket(bucket: string): Promise<boolean> {
    const directory = this.#bucketDir(bucket);
    if (await this.bucketExists(bucket)) return false;
    await mkdir(join(directory, 'objects'), { recursive: true });
    await mkdir(join(directory, 'uploads'), { recursive: true });
    return true;
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await stat(join(this.#bucketDir(bucket), 'objects'))).isDirectory();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Returns the stored bucket encryption XML, or `undefined`. */
  readBucketEncryption(bucket: string): Promise<string | undefined> {
    return readOptional(join(this.#bucketDir(bucket), 'bucket-encryption.xml'));
  }

  /** Stores (or, with `undefined`, removes) the bucket encryption XML. */
  async writeBucketEncryption(bucket: string, xml: string | undefined): Promise<void> {
    const path = join(this.#bucketDir(bucket), 'bucket-encryption.xml');
    if (xml === undefined) {
      await rm(path, { force: true });
      return;
    }
    await this.#writeAtomically(path, xml);
  }

  /** Returns an object's record, or `undefined` when it does not exist. */
  async readObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    const text = await readOptional(this.#objectPaths(bucket, key).metadataFile);
    return text === undefined ? undefined : (JSON.parse(text) as ObjectRecord);
  }

  /** Returns the path of an object's data file. */
  dataPath(bucket: string, record: ObjectRecord): string {
    return join(this.#bucketDir(bucket), 'objects', record.dataFile);
  }

  /** Moves a received body into place and stores its record; replaces any previous version. */
  async commitObject(
    bucket: string,
    record: Omit<ObjectRecord, 'dataFile'>,
    bodyPath: string,
  ): Promise<ObjectRecord> {
    const { objectsDirectory, dataFilePrefix } = this.#objectPaths(bucket, record.key);
    const dataFile = `${dataFilePrefix}.${randomBytes(8).toString('hex')}.data`;
    await rename(bodyPath, join(objectsDirectory, dataFile));
    const stored: ObjectRecord = { ...record, dataFile };
    // NOTE: concurrent writes of one key are not serialised: the last record written wins, and
    // the data file of the other write can stay behind unreferenced.
    const previous = await this.readObject(bucket, record.key);
    await this.writeObjectRecord(bucket, stored);
    if (previous && previous.dataFile !== dataFile) {
      await rm(join(objectsDirectory, previous.dataFile), { force: true });
    }
    return stored;
  }

  /** Replaces an object's record without touching its data file (key rotation). */
  async writeObjectRecord(bucket: string, record: ObjectRecord): Promise<void> {
    await this.#writeAtomically(
      this.#objectPaths(bucket, record.key).metadataFile,
      JSON.stringify(record, null, 2),
    );
  }

  /** Deletes an object; a missing object is not an error, as in S3. */
  async deleteObject(bucket: string, key: string): Promise<void> {
    const record = await this.readObject(bucket, key);
    if (!record) return;
    await rm(this.#objectPaths(bucket, key).metadataFile, { force: true });
    await rm(this.dataPath(bucket, record), { force: true });
  }

  /** Stores a new multipart upload and returns its id. */
  async createUpload(bucket: string, record: Omit<UploadRecord, 'uploadId'>): Promise<string> {
    const uploadId = randomBytes(16).toString('hex');
    const directory = this.#uploadDir(bucket, uploadId);
    await mkdir(directory, { recursive: true });
    await this.#writeAtomically(
      join(directory, 'upload.json'),
      JSON.stringify({ ...record, uploadId }, null, 2),
    );
    return uploadId;
  }

  /** Returns an upload's record, or `undefined` when the id is unknown or names another key. */
  async readUpload(
    bucket: string,
    key: string,
    uploadId: string,
  ): Promise<UploadRecord | undefined> {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
    const text = await readOptional(join(this.#uploadDir(bucket, uploadId), 'upload.json'));
    if (text === undefined) return undefined;
    const record = JSON.parse(text) as UploadRecord;
    return record.key === key ? record : undefined;
  }

  /** Moves a received part into place and stores its record; replaces an earlier upload of it. */
  async commitPart(
    bucket: string,
    uploadId: string,
    record: Omit<PartRecord, 'dataFile'>,
    bodyPath: string,
  ): Promise<void> {
    const directory = this.#uploadDir(bucket, uploadId);
    const dataFile = `part-${record.number}.${randomBytes(8).toString('hex')}.data`;
    await rename(bodyPath, join(directory, dataFile));
    const metadataFile = join(directory, `part-${record.number}.json`);
    const previous = await readOptional(metadataFile);
    await this.#writeAtomically(metadataFile, JSON.stringify({ ...record, dataFile }, null, 2));
    if (previous !== undefined) {
      await rm(join(directory, (JSON.parse(previous) as PartRecord).dataFile), { force: true });
    }
  }

  /** Returns the uploaded parts of an upload by part number. */
  async readParts(bucket: string, uploadId: string): Promise<Map<number, PartRecord>> {
    const directory = this.#uploadDir(bucket, uploadId);
    const parts = new Map<number, PartRecord>();
    for (const name of await readdir(directory)) {
      if (!/^part-\d+\.json$/.test(name)) continue;
      const record = JSON.parse(await readFile(join(directory, name), 'utf8')) as PartRecord;
      parts.set(record.number, record);
    }
    return parts;
  }

  /** Returns the path of a part's data file. */
  partPath(bucket: string, uploadId: string, part: PartRecord): string {
    return join(this.#uploadDir(bucket, uploadId), part.dataFile);
  }

  /** Removes an upload and its parts. */
  async removeUpload(bucket: string, uploadId: string): Promise<void> {
    await rm(this.#uploadDir(bucket, uploadId), { recursive: true, force: true });
  }

  #bucketDir(bucket: string): string {
    return join(this.#dataDir, 'buckets', bucket);
  }

  #uploadDir(bucket: string, uploadId: string): string {
    return join(this.#bucketDir(bucket), 'uploads', uploadId);
  }

  #objectPaths(bucket: string, key: string) {
    return storedObjectPaths(this.#dataDir, bucket, key);
  }

  async #writeAtomically(path: string, text: string): Promise<void> {
    const temp = this.tempPath();
    await writeFile(temp, text);
    try {
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
