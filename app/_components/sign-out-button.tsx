import { signOutAction } from "@/app/_server/workspace-actions";

export function SignOutButton() {
  return (
    <form action={signOutAction} className="sign-out">
      <button type="submit" className="secondary">
        Sign out
      </button>
    </form>
  );
}
