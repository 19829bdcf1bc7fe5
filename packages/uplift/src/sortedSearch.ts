/** Binary search in ascending arrays: where a value falls among sorted values or bin bounds. */

/** The index of the first of ascending `sorted` at least `v` (so `v <= sorted[k]` from there on); its length if none. */
export function firstAtLeast(sorted: Float64Array, v: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (v <= sorted[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}
