import { describe, expect, it } from "vitest";
import { formatFileSize } from "@/lib/documents/file-size";

describe("formatFileSize", () => {
  it("shows an empty file as 0 bytes, and bytes below 1 KB as bytes", () => {
    expect(formatFileSize(0)).toBe("0 bytes");
    expect(formatFileSize(1)).toBe("1 byte");
    expect(formatFileSize(17)).toBe("17 bytes");
    expect(formatFileSize(1023)).toBe("1023 bytes");
  });

  it("shows kilobytes, megabytes and gigabytes (1 KB = 1024 bytes) without a unit rounding over", () => {
    expect(formatFileSize(1024)).toBe("1 KB");
    expect(formatFileSize(1536)).toBe("2 KB");
    expect(formatFileSize(200 * 1024)).toBe("200 KB");
    expect(formatFileSize(1024 * 1024 - 1)).toBe("1.0 MB");
    expect(formatFileSize(6_394_530)).toBe("6.1 MB");
    expect(formatFileSize(1024 ** 3 - 1)).toBe("1.0 GB");
    expect(formatFileSize(3 * 1024 ** 3)).toBe("3.0 GB");
  });
});
