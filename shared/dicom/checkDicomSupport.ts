import { DrgradeError } from '../errors.js';
import { sopClassOf, transferSyntaxOf } from './dicomUids.js';
import { dicomString, type ParsedDicom } from './parseDicom.js';

/** Anatomic region codes that mean "eye" (SNOMED CT and the SNOMED-RT codes of older DICOM editions). */
const eyeRegionCodes = new Set(['81745001', 'T-AA000', '5665001', 'T-AA610', '1231004', 'T-AA621']);

/**
 * Refuses what drgrade does not grade, with a code naming the reason: a transfer syntax outside
 * explicit/implicit VR little endian and JPEG baseline (`DICOM_UNSUPPORTED_TRANSFER_SYNTAX`), a SOP class that is
 * not an ophthalmic photograph, or a Secondary Capture / VL Photographic image not marked as of the eye
 * (`DICOM_UNSUPPORTED_SOP_CLASS`). Returns the pixel encoding of the transfer syntax.
 */
export function checkDicomSupport(parsed: ParsedDicom): 'native' | 'jpeg' {
  const syntax = transferSyntaxOf(parsed.transferSyntaxUid);
  if (!syntax?.encoding) {
    throw new DrgradeError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', `Expected Explicit VR Little Endian, Implicit VR Little Endian or JPEG Baseline for the transfer syntax but received ${syntax ? syntax.name : 'an unknown syntax'} (${parsed.transferSyntaxUid})`, { details: { transferSyntaxUid: parsed.transferSyntaxUid } });
  }
  const sopClass = sopClassOf(parsed.sopClassUid);
  if (!sopClass) {
    throw new DrgradeError('DICOM_UNSUPPORTED_SOP_CLASS', `Expected an Ophthalmic Photography, VL Photographic or Secondary Capture image for the SOP class but received ${parsed.sopClassUid || 'none'}`, { details: { sopClassUid: parsed.sopClassUid } });
  }
  if (sopClass.policy === 'eye-only' && !isOfTheEye(parsed)) {
    throw new DrgradeError('DICOM_UNSUPPORTED_SOP_CLASS', `Expected a ${sopClass.name} of the eye (Modality OP, BodyPartExamined EYE or an eye anatomic region) but the data set does not say so`, { details: { sopClassUid: parsed.sopClassUid } });
  }
  return syntax.encoding;
}

function isOfTheEye(parsed: ParsedDicom): boolean {
  const ds = parsed.dataset;
  if (dicomString(ds, 'Modality')?.toUpperCase() === 'OP') return true;
  const part = dicomString(ds, 'BodyPartExamined')?.toUpperCase();
  if (part === 'EYE' || part === 'RETINA' || part === 'FUNDUS') return true;
  const region = ds.AnatomicRegionSequence;
  const items = Array.isArray(region) ? region : region && typeof region === 'object' ? [region] : [];
  return items.some((item) => typeof item === 'object' && item !== null && eyeRegionCodes.has(String((item as Record<string, unknown>).CodeValue ?? '')));
}
