import { switchOrganisationAction } from "@/app/_server/workspace-actions";

export function OrganisationSwitcher({ organisations, activeId }: { organisations: { id: string; name: string }[]; activeId: string }) {
  if (organisations.length < 2) return <span className="badge">{organisations[0]?.name}</span>;
  return (
    <form action={switchOrganisationAction}>
      <label htmlFor="org-switcher" className="sr-only">
        Organisation
      </label>
      <select id="org-switcher" name="orgId" defaultValue={activeId}>
        {organisations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">
        Switch
      </button>
    </form>
  );
}
