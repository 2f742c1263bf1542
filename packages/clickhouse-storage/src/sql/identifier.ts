/**
 * A database name as it goes into SQL. Config allows only plain identifiers, so backticks need no
 * escaping inside; they are what lets a name the parser reserves (`table`: `INSERT INTO table.t`
 * is a syntax error) work as a database.
 */
export function quoteIdentifier(name: string): string {
  return `\`${name}\``;
}
