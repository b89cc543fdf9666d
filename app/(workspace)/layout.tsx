import type { ReactNode } from "react";
import Link from "next/link";
import { rolesAllow } from "@/lib/access/permissions";
import { OrganisationSwitcher } from "@/app/(workspace)/organisation-switcher";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { WorkspaceNav, type NavItem } from "@/components/workspace-nav";
import { requireOrgPermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const { user, ctx, organisations, active } = await requireOrgPermission("organisation.view");
  const items: NavItem[] = [{ href: "/dashboard", label: "Dashboard" }];
  if (rolesAllow(ctx.roles, "documents.view")) items.push({ href: "/documents", label: "Documents" });
  if (rolesAllow(ctx.roles, "certificates.view")) items.push({ href: "/certificates", label: "Certificates" });
  if (rolesAllow(ctx.roles, "certificates.manage")) items.push({ href: "/approvals", label: "Approvals" });
  if (rolesAllow(ctx.roles, "members.view")) items.push({ href: "/members", label: "Members" });
  if (rolesAllow(ctx.roles, "audit.view")) items.push({ href: "/audit", label: "Audit log" });
  items.push({ href: "/account", label: "Account" });
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/dashboard" className="brand">
          Signet
        </Link>
        <WorkspaceNav items={items} />
        <span className="spacer" />
        <OrganisationSwitcher organisations={organisations} activeId={active.id} />
        <span className="signed-in" aria-label="Signed in as" title={user.name}>
          {user.name}
        </span>
        <SignOutButton />
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
