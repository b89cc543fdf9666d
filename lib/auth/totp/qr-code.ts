import { encode } from "uqr";

/** A QR code as one SVG path over a square of `size` modules (quiet zone included), for an <svg> with viewBox="0 0 size size". */
export type QrCode = { size: number; path: string };

export function qrCode(text: string): QrCode {
  const { data, size } = encode(text, { ecc: "M", border: 4 });
  let path = "";
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return { size, path };
}
