import { switchOrganisationAction } from "@/app/_server/workspace-actions";

export function OrganisationSwitcher({
  organisations,
  activeId,
}: {
  organisations: { id: string; name: string }[];
  activeId: string;
}) {
  const activeName = organisations.find((org) => org.id === activeId)?.name ?? organisations[0]?.name ?? "";
  // A long name is shortened with an ellipsis (the whole name in its title), never wrapped under the bar.
  if (organisations.length < 2)
    return (
      <span className="badge organisation-name" title={activeName}>
        {activeName}
      </span>
    );
  return (
    <form action={switchOrganisationAction} className="organisation-switcher">
      <label htmlFor="org-switcher" className="sr-only">
        Organisation
      </label>
      {/* Keyed by the active organisation: a default value applies only when the select is created. */}
      <select key={activeId} id="org-switcher" name="orgId" defaultValue={activeId} title={activeName}>
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
