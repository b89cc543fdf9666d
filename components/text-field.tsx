import type { HTMLInputTypeAttribute } from "react";

type Props = {
  name: string;
  label: string;
  type?: HTMLInputTypeAttribute;
  defaultValue?: string;
  autoComplete?: string;
  hint?: string;
  invalid?: boolean;
  required?: boolean;
};

export function TextField({
  name,
  label,
  type = "text",
  defaultValue,
  autoComplete,
  hint,
  invalid,
  required = true,
}: Props) {
  const hintId = hint === undefined ? undefined : `${name}-hint`;
  return (
    <label>
      {label}
      <input
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        required={required}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={hintId}
      />
      {hint !== undefined && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
    </label>
  );
}
