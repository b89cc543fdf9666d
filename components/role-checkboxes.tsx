import { ALL_ROLES, ROLE_LABELS, type Role } from "@/lib/access/roles";

export function RoleCheckboxes({
  legend,
  selected,
  allowOwner,
  idPrefix,
}: {
  legend: string;
  selected: readonly Role[];
  allowOwner: boolean;
  idPrefix: string;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="checks">
        {ALL_ROLES.filter((role) => allowOwner || role !== "OWNER").map((role) => (
          <label key={role} htmlFor={`${idPrefix}-${role}`}>
            <input
              id={`${idPrefix}-${role}`}
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={selected.includes(role)}
            />
            {ROLE_LABELS[role]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
