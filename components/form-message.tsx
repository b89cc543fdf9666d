export function FormMessage({ error, message }: { error?: string; message?: string }) {
  if (error !== undefined) {
    return (
      <p className="alert error" role="alert">
        {error}
      </p>
    );
  }
  if (message !== undefined) {
    return (
      <p className="alert ok" role="status">
        {message}
      </p>
    );
  }
  return null;
}
