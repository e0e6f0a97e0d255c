/**
 * Feature names as the data has them (`mean radius`, `od280/od315_of_diluted_wines`), and the identifier derived
 * from each where a restricted spelling is needed: an ONNX or Open Inference Protocol tensor name, a metric
 * dimension. Exporters derive theirs the same way (skl2onnx replaces every character that is not a letter, a digit
 * or `_`), so the derived identifier is also what `init` compares when matching model inputs to data columns.
 */

/** Longest feature name, in characters. */
export const MAX_FEATURE_NAME_LENGTH = 128;

/**
 * A feature name: 1 to 128 printable characters (letters, digits, spaces, punctuation in any script; no control
 * or format characters), neither starting nor ending with a space, since CSV tools trim those.
 */
export const FEATURE_NAME_PATTERN = /^(?!\s)(?!.*\s$)[^\p{C}\p{Zl}\p{Zp}]{1,128}$/u;

/** What {@link FEATURE_NAME_PATTERN} allows, for error messages. */
export const FEATURE_NAME_RULE =
  `1 to ${MAX_FEATURE_NAME_LENGTH} printable characters (spaces and punctuation allowed), not starting or ending with a space`;

/** Characters an identifier keeps; every other one becomes `_`. */
const NOT_IDENTIFIER = /[^A-Za-z0-9_]/g;

/**
 * The identifier for a name: every character other than an ASCII letter, digit or `_` replaced by `_`, and `_`
 * put first when the name starts with a digit. `mean radius` gives `mean_radius`; `od280/od315_of_diluted_wines`
 * gives `od280_od315_of_diluted_wines`.
 */
export function identifierOf(name: string): string {
  const replaced = name.replace(NOT_IDENTIFIER, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

/**
 * One identifier per name, in order, unique: where two names give the same identifier (`a b` and `a_b`), the later
 * one gets `_2`, `_3`, ... so each identifier still names one feature.
 */
export function featureIdentifiers(names: readonly string[]): string[] {
  const taken = new Set<string>(names.filter((name) => identifierOf(name) === name));
  const result: string[] = [];
  for (const name of names) {
    const base = identifierOf(name);
    let id = base;
    if (base !== name) {
      for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    }
    taken.add(id);
    result.push(id);
  }
  return result;
}

/** The key two names share when they differ only by characters that exporters replace (and by letter case). */
export function exporterKey(name: string): string {
  return identifierOf(name).toLowerCase();
}
