// Times JPEG shrink-on-load decoding against resampling already-decoded pixels (the figure in shared/analysis/analyzeFundus.ts); run after `npm run build`.
import { readFileSync } from 'node:fs';
import { decodeImage } from '../dist/shared/image/decodeImage.js';
import { resampleImage } from '../dist/shared/image/resampleImage.js';
import { encodeJpeg } from '../dist/shared/image/encodeImage.js';
import { synthFundus } from '../dist/shared/synth/synthFundus.js';
const inputs = {
  idrid1536: readFileSync('/work/shared/datasets/idrid/grading-train/IDRiD_001.jpg'),
  synth1024: await encodeJpeg(synthFundus({ seed: 1000, width: 1024 }).image),
  synth4288: await encodeJpeg(synthFundus({ seed: 1000, width: 4288 }).image),
};
const time = async (f, n = 15) => { await f(); const t = performance.now(); for (let i = 0; i < n; i++) await f(); return (performance.now() - t) / n; };
for (const [k, bytes] of Object.entries(inputs)) {
  const { image: full } = await decodeImage(bytes);
  const shrink = await time(() => decodeImage(bytes, { maxSide: 512, kernel: 'linear' }));
  const fullMs = await time(() => decodeImage(bytes));
  const resample = await time(() => resampleImage(full, { maxSide: 512, kernel: 'linear' }));
  const region = { left: 10, top: 10, width: full.width - 20, height: full.height - 20 };
  const a = (await decodeImage(bytes, { region, size: { width: 1065, height: 1000 }, kernel: 'lanczos3' })).image;
  const b = await resampleImage(full, { region, size: { width: 1065, height: 1000 }, kernel: 'lanczos3' });
  let diff = 0; for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
  console.log(JSON.stringify({ k, w: full.width, h: full.height, shrinkDecode512Ms: +shrink.toFixed(1), fullDecodeMs: +fullMs.toFixed(1), resample512FromFullMs: +resample.toFixed(1), regionMaxAbsDiff: diff, same: a.width === b.width && a.height === b.height }));
}
