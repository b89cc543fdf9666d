import Link from "next/link";
import "@/app/verify/verify.css";

export default function SealNotFound() {
  return (
    <main className="verify-page">
      <header>
        <p className="brand">Signet</p>
      </header>
      <h1>No such seal</h1>
      <div className="verify-answer tone-error">
        <p className="verify-reason">Signet has no seal with this address. Check the link, or verify the PDF itself.</p>
      </div>
      <p>
        <Link href="/verify">Verify a PDF</Link>
      </p>
    </main>
  );
}
