/**
 * Reading a TIFF's ImageDescription as the two microscopy writers fill it: ImageJ's "key=value" lines (unit, channels,
 * slices, frames, …) and OME-XML's first `<Pixels>` element (PhysicalSizeX, SizeC, DimensionOrder, …), where a file
 * states both its pixel size and its plane layout. No XML parser: the element's opening tag is enough.
 */

type Fields = (name: string) => string | undefined;

/** A reader of an ImageJ description's `key=value` lines, or undefined when the description is not ImageJ's. */
export function imagejFields(description: string): Fields | undefined {
  if (!description.startsWith('ImageJ=')) return undefined;
  return (key) => new RegExp(`^${key}=(.+)$`, 'm').exec(description)?.[1];
}

/** A reader of the first `<Pixels>` element's attributes, or undefined when the description is no OME-XML with one. */
export function omePixels(description: string): Fields | undefined {
  if (!description.includes('<OME')) return undefined;
  const pixels = /<(?:\w+:)?Pixels\b([^>]*)>/.exec(description)?.[1];
  if (pixels === undefined) return undefined;
  return (name) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(pixels)?.[1];
}
