"""Data values inside SQL statements and database error details.

Drivers put the failing statement into the error ("INSERT INTO customers (...)
VALUES ('Wanjiru Kamau', '0712...')", "UPDATE products SET name='...' WHERE
id=5"), and PostgreSQL adds ``DETAIL: Key (phone)=(...)`` and ``Failing row
contains (...)``. Every string literal in a statement is data someone entered,
so each one is replaced whatever it looks like; numbers stay (ids, prices).
The same holds for ORM parameter dumps (EF Core's ``@p0='...'``, SQLAlchemy's
``[parameters: (...)]``, Django's ``params=(...)``).
In PostgreSQL details (and SQL Server's "duplicate key value is (...)") the
whole row is replaced, and so is MySQL's "Duplicate entry '...'", Laravel's
unquoted ``values (...)``, and input that drivers echo ("invalid input syntax for
type bigint: \"...\"", .NET's "Input string '...' was not in a correct format",
Django's "'...' value has an invalid format", "You entered '...'", kotlinx's "JSON input: {...}").
Laravel's multi-row inserts lose every row, PostgreSQL's ``LINE n:`` context lines every literal, and a
statement quoted as a Python string (SQLAlchemy's ``u'INSERT ... VALUES (?, ?)' (u'x', ...)``) is read
from its closing quote, so its parameters are the literals. A technical literal under an object key after
the statement (Prisma's ``code: 'P2002'``, ``clientVersion: '2.17.0'``) is the error's, not data.
A statement is recognised by its keywords in upper case, as ORMs and drivers
print them. Score 0.6; a more specific recognizer on the same span names it.
"""

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers._technical import is_technical_value

# Upper case as drivers print it, lower case as Laravel and Knex do ("select * from `x` where `slug` = 'y'").
STATEMENT = regex.compile(r"(?i)\b(?:INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|SELECT\s.{0,400}?\bFROM)\b")
# Laravel prints bound values unquoted: "(SQL: insert into `t` (`a`, `b`) values (1, Wanjiru Kamau, ...))".
UNQUOTED_VALUES = regex.compile(r"(?i)\binsert into [^\n]{0,400}?\)\s+values\s+\((?P<row>[^\n]{1,4000}?)\)(?=\)|,\s*\(|\s*$|\s|;)")
# The rows after the first of a multi-row insert: "values (1, a), (2, b), (3, c)".
NEXT_ROW = regex.compile(r",\s*\((?P<row>[^\n]{1,4000}?)\)(?=\)|,\s*\(|\s*$|\s|;)")
# Drivers and frameworks that echo the input that failed to parse.
ECHOED_INPUT = regex.compile(
    r"invalid input syntax for (?:type )?[\w ]{1,40}: \"(?P<value>[^\n]{1,500}?)\"(?=[\s,.;)]|$)"
    r"|[Ii]nput string '(?P<value>[^'\n]{1,500})' was not"
    r"|\[u?[\"']'(?P<value>[^'\n]{1,500})' value"
    r"|(?i:you entered|you typed|received value|got value)\s*[:=]?\s*['\"](?P<value>[^'\"\n]{1,500})['\"]"
    # kotlinx.serialization quotes the document it could not decode: "JSON input: {...}".
    r"|\bJSON input: (?P<value>[^\n]{1,500})"
)
LITERAL = regex.compile(r"'(?P<value>(?:[^'\n]|'')+)'")
PG_DETAIL = regex.compile(
    r"\bKey \([^)\n]{1,200}\)=\((?P<value>[^\n]{1,500}?)\)(?= already| is not|\s|$)"
    # A row whose first line has no closing bracket goes on to the next line (a value with a line break).
    r"|Failing row contains \((?P<row>[^\n]{1,2000}(?=\))|[^\n)]{1,2000}\n[^\n]{1,2000}(?=\)))\)"
    # SQL Server and MySQL say the same: "The duplicate key value is (Olive)", "Duplicate entry 'x' for key".
    r"|duplicate key value is \((?P<row>[^\n]{1,2000}?)\)(?=\.|\s|$)"
    r"|Duplicate entry '(?P<value>(?:[^'\n]|''){1,500})' for key"
    # The same message pasted through a word processor or chat: typographic quotes.
    r"|Duplicate entry ‘(?P<value>[^’\n]{1,500})’ for key"
)
# ORM parameter dumps: EF Core's "@p0='Wanjiru' (Size = 4000)", SQLAlchemy's "[parameters: ('x', 3)]",
# Django's "params=('x',)": every string literal in them is a value someone entered.
ORM_PARAMETER = regex.compile(r"@p\d+='(?P<value>(?:[^'\n]|''){1,1000})'")
ORM_PARAMETERS = regex.compile(r"(?:\[parameters: |\bparams=)(?P<params>[^\n]{1,4000}?)(?:\]|\)(?=\s|$|;|,))")
QUOTED_IN_PARAMETERS = regex.compile(r"'(?P<value>(?:[^'\\\n]|\\.){1,1000})'|\"(?P<value>(?:[^\"\\\n]|\\.){1,1000})\"")
# PostgreSQL quotes the failing statement in context lines: "LINE 7:  AND x > '1733242309482'".
PG_CONTEXT_LINE = regex.compile(r"(?m)^LINE \d+: (?P<line>[^\n]{1,2000})")
# A literal that is a JavaScript or Python object's field ("code: 'P2002'" in a Prisma error after its
# query), not part of the statement: kept when it is also a technical value.
_OBJECT_KEY_BEFORE = regex.compile(r"(?<![\w.])[A-Za-z_]\w*:\s{1,3}$")
_PLAIN = regex.compile(r"^(?:null|t|f|true|false|-?\d+(?:\.\d+)?)$", regex.IGNORECASE)


class SqlValueRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_VALUE", [LITERAL], score=0.6)

    def spans(self, text):
        found = []
        statement = STATEMENT.search(text, timeout=self.budget.remaining())
        if statement:
            for match in LITERAL.finditer(text, _after_quoted_statement(text, statement), timeout=self.budget.remaining()):
                if _OBJECT_KEY_BEFORE.search(text, max(0, match.start() - 40), match.start()) and is_technical_value(
                    match.group("value")
                ):
                    continue
                found.append(match.span("value"))
        # Each search below runs only when a literal its pattern needs is in the text (``in`` costs
        # next to nothing; a search tries its pattern at every character).
        for line in PG_CONTEXT_LINE.finditer(text, timeout=self.budget.remaining()) if "LINE " in text else ():
            for match in LITERAL.finditer(text, line.start("line"), line.end("line")):
                found.append(match.span("value"))
        for match in ORM_PARAMETER.finditer(text, timeout=self.budget.remaining()) if "@p" in text else ():
            if not _PLAIN.match(match.group("value")):
                found.append(match.span("value"))
        has_parameters = "[parameters: " in text or "params=" in text
        for match in ORM_PARAMETERS.finditer(text, timeout=self.budget.remaining()) if has_parameters else ():
            for literal in QUOTED_IN_PARAMETERS.finditer(text, match.start("params"), match.end("params")):
                if not _PLAIN.match(literal.group("value")):
                    found.append(literal.span("value"))
        has_detail = "Key (" in text or "Failing row contains (" in text or "uplicate " in text
        for match in PG_DETAIL.finditer(text, timeout=self.budget.remaining()) if has_detail else ():
            if match.group("value") is not None:
                if not _PLAIN.match(match.group("value")):
                    found.append(match.span("value"))
                continue
            # The whole row goes: its values hold commas of their own ("Saturday June 4, 2016"), so
            # splitting it would leave pieces of them.
            found.append(match.span("row"))
        # "insert into " is a statement: without one, no insert's values either.
        for match in UNQUOTED_VALUES.finditer(text, timeout=self.budget.remaining()) if statement else ():
            rows = [match]
            while (row := NEXT_ROW.match(text, rows[-1].end(), timeout=self.budget.remaining())) is not None:
                rows.append(row)
            found.extend(row.span("row") for row in rows if "'" not in row.group("row"))  # quoted: the literal rule's
        has_echo = "'" in text or '"' in text or "JSON input: " in text
        for match in ECHOED_INPUT.finditer(text, timeout=self.budget.remaining()) if has_echo else ():
            found.append(match.span("value"))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("USER_VALUE", s, e, self._score) for s, e in self.spans(text)]


_QUOTE_PREFIX = regex.compile(r"(?:^|[\s(=:,])[uUbBrRN]?$")


def _after_quoted_statement(text: str, statement: regex.Match) -> int:
    """Where the statement's literals begin: after its closing quote when the statement is itself quoted.

    SQLAlchemy's older errors print the statement as a Python string and then its parameters:
    ``u'INSERT INTO t (a, b) VALUES (?, ?)' (u'x', u'y')``. Read from the statement's start, the
    statement's closing quote would pair with the first parameter's opening one, and every value would be
    read inside out; a repr string holds no bare quote of its own, so its first quote closes it. (A
    statement in double quotes keeps its single-quoted literals inside: it is read from its start.)
    """
    start = statement.start()
    quote = text[start - 1 : start]
    if quote == "'" and _QUOTE_PREFIX.search(text, max(0, start - 3), start - 1):
        close = text.find(quote, statement.end())
        if close != -1:
            return close + 1
    return start
