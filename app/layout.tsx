import type { Metadata } from "next";
import type { ReactNode } from "react";
import "@/app/globals.css";

// Every page is rendered per request, the not-found page included: the Content-Security-Policy
// nonce (lib/http/security-headers) is new for each answer, and a prerendered page would carry none.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Signet", template: "%s · Signet" },
  description: "Seal PDFs with PAdES signatures under keys you control.",
  // public/: browsers that ask for /favicon.ico find it too.
  icons: {
    icon: [
      { url: "/icon.svg", type: "image/svg+xml" },
      { url: "/favicon.ico", sizes: "32x32" },
    ],
  },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
