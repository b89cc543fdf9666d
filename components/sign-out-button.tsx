import { signOutAction } from "@/app/_server/workspace-actions";

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className="secondary">
        Sign out
      </button>
    </form>
  );
}
