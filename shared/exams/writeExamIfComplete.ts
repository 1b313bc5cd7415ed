import type { BlobServiceClient } from '@azure/storage-blob';
import type { GradeResult } from '../grading/GradeResult.js';
import { containerLayout } from '../storage/containerLayout.js';
import { downloadBlob } from '../storage/downloadBlob.js';
import { storageStatusOf, toStorageError } from '../storage/toStorageError.js';
import { examOutputs } from './examOutputs.js';
import { groupExams } from './groupExams.js';
import { parseExamPath } from './parseExamPath.js';
import { parseExamSidecar, type ExamSidecar } from './parseExamSidecar.js';

/** Where {@link writeExamIfComplete} reads and writes. */
export interface ExamStorage {
  readonly blobService: BlobServiceClient;
  readonly incomingContainer: string;
  readonly resultsContainer: string;
  /** Salt of the patient hashes. */
  readonly identifierSalt: string;
}

/**
 * After `name` (an incoming photograph) got its result: when it belongs to an exam (the path convention
 * `<site>/<patient>/<left|right>/<file>`, or a sidecar `exam.json` in its folder) and every photograph of that
 * exam in the incoming container now has a result, writes `exam.result.json` and `exam.fhir.json` to the exam's
 * folder in the results container (and each photograph's `.fhir.json` with the exam's eye and patient). The
 * content is deterministic, so two last photographs finishing together write the same files. Returns the exam
 * folder written, or `null` (no exam, or not complete yet).
 */
export async function writeExamIfComplete(name: string, storage: ExamStorage): Promise<string | null> {
  const incoming = storage.blobService.getContainerClient(storage.incomingContainer);
  const results = storage.blobService.getContainerClient(storage.resultsContainer);
  const folder = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
  const sidecar = await readSidecar(incoming, folder);
  let members: string[];
  if (sidecar?.photographs.some((p) => `${folder === '' ? '' : `${folder}/`}${p.file}` === name)) {
    members = sidecar.photographs.map((p) => `${folder === '' ? '' : `${folder}/`}${p.file}`);
  } else {
    const path = parseExamPath(name);
    if (!path) return null;
    const prefix = `${path.site}/${path.patientFolder}/`;
    members = [];
    try {
      for await (const blob of incoming.listBlobsFlat({ prefix })) if (parseExamPath(blob.name) && !blob.name.endsWith('/exam.json')) members.push(blob.name);
    } catch (error) {
      throw toStorageError(error, 'listing an exam\'s photographs');
    }
  }
  const photographs = [];
  for (const member of members.sort()) {
    let result: GradeResult;
    try {
      result = JSON.parse((await downloadBlob(results.getBlobClient(containerLayout.outputNames(member).result))).bytes.toString('utf8')) as GradeResult;
    } catch (error) {
      if (storageStatusOf(error) === 404) return null; // not complete yet: the last photograph's run writes the exam
      throw toStorageError(error, 'reading an exam\'s results');
    }
    photographs.push({ relativePath: member, stem: member, result });
  }
  const sidecars = sidecar ? new Map([[folder, sidecar]]) : undefined;
  const groups = groupExams(photographs, { identifierSalt: storage.identifierSalt, ...(sidecars ? { sidecars } : {}) });
  const group = groups.find((g) => g.photographs.some((p) => p.stem === name));
  if (!group) return null;
  const { files } = examOutputs([group]);
  try {
    for (const file of files) {
      await results.getBlockBlobClient(file.path).upload(file.text, Buffer.byteLength(file.text), { blobHTTPHeaders: { blobContentType: file.path.endsWith('.fhir.json') ? 'application/fhir+json' : 'application/json' } });
    }
  } catch (error) {
    throw toStorageError(error, 'writing an exam');
  }
  return group.folder;
}

async function readSidecar(incoming: ReturnType<BlobServiceClient['getContainerClient']>, folder: string): Promise<ExamSidecar | null> {
  try {
    const { bytes } = await downloadBlob(incoming.getBlobClient(`${folder === '' ? '' : `${folder}/`}exam.json`));
    return parseExamSidecar(bytes.toString('utf8'));
  } catch (error) {
    if (storageStatusOf(error) === 404) return null;
    throw error instanceof Error && 'code' in error && (error as { code: unknown }).code === 'INVALID_ARGUMENT' ? error : toStorageError(error, 'reading an exam sidecar');
  }
}
