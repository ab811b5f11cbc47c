import sharp from 'sharp';

/**
 * Rasterises an SVG document (the mIoU plot) to an 8-bit RGB PNG of the SVG's own size, with sharp (librsvg),
 * which the CLI already uses for images. Text uses the machine's fonts: on a system with none, the lines and
 * dots are still drawn.
 */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(svg, 'utf8')).flatten({ background: '#ffffff' }).removeAlpha().png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
