// EXIF orientation facts shared by decoding and patchify (which must not load libvips).

/**
 * True when an EXIF orientation (5 to 8) stores the picture a quarter turn off, so that upright its sides swap.
 *
 * @example
 * import { swapsSides } from "omnispec/modalities";
 * swapsSides(6); // true: a phone portrait stored landscape
 */
export function swapsSides(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}
