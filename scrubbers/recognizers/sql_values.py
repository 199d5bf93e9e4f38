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
Django's "'...' value has an invalid format", "You entered '...'").
A statement is recognised by its keywords in upper case, as ORMs and drivers
print them. Score 0.6; a more specific recognizer on the same span names it.
"""

import regex
from presidio_analyzer import RecognizerResult

from scrubbers.recognizers._regex import RegexRecognizer

# Upper case as drivers print it, lower case as Laravel and Knex do ("select * from `x` where `slug` = 'y'").
STATEMENT = regex.compile(r"(?i)\b(?:INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|SELECT\s.{0,400}?\bFROM)\b")
# Laravel prints bound values unquoted: "(SQL: insert into `t` (`a`, `b`) values (1, Wanjiru Kamau, ...))".
UNQUOTED_VALUES = regex.compile(r"(?i)\binsert into [^\n]{0,400}?\)\s+values\s+\((?P<row>[^\n]{1,4000}?)\)(?=\)|,\s*\(|\s*$|\s|;)")
# Drivers and frameworks that echo the input that failed to parse.
ECHOED_INPUT = regex.compile(
    r"invalid input syntax for (?:type )?[\w ]{1,40}: \"(?P<value>[^\"\n]{1,500})\""
    r"|[Ii]nput string '(?P<value>[^'\n]{1,500})' was not"
    r"|\[u?[\"']'(?P<value>[^'\n]{1,500})' value"
    r"|(?i:you entered|you typed|received value|got value)\s*[:=]?\s*['\"](?P<value>[^'\"\n]{1,500})['\"]"
)
LITERAL = regex.compile(r"'(?P<value>(?:[^'\n]|'')+)'")
PG_DETAIL = regex.compile(
    r"\bKey \([^)\n]{1,200}\)=\((?P<value>[^\n]{1,500}?)\)(?= already| is not|\s|$)"
    r"|Failing row contains \((?P<row>[^\n]{1,2000})\)"
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
_PLAIN = regex.compile(r"^(?:null|t|f|true|false|-?\d+(?:\.\d+)?)$", regex.IGNORECASE)


class SqlValueRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_VALUE", [LITERAL], score=0.6)

    def spans(self, text):
        found = []
        statement = STATEMENT.search(text, timeout=self.budget.remaining())
        if statement:
            for match in LITERAL.finditer(text, statement.start(), timeout=self.budget.remaining()):
                found.append(match.span("value"))
        for match in ORM_PARAMETER.finditer(text, timeout=self.budget.remaining()):
            if not _PLAIN.match(match.group("value")):
                found.append(match.span("value"))
        for match in ORM_PARAMETERS.finditer(text, timeout=self.budget.remaining()):
            for literal in QUOTED_IN_PARAMETERS.finditer(text, match.start("params"), match.end("params")):
                if not _PLAIN.match(literal.group("value")):
                    found.append(literal.span("value"))
        for match in PG_DETAIL.finditer(text, timeout=self.budget.remaining()):
            if match.group("value") is not None:
                if not _PLAIN.match(match.group("value")):
                    found.append(match.span("value"))
                continue
            # The whole row goes: its values hold commas of their own ("Saturday June 4, 2016"), so
            # splitting it would leave pieces of them.
            found.append(match.span("row"))
        for match in UNQUOTED_VALUES.finditer(text, timeout=self.budget.remaining()):
            if "'" not in match.group("row"):  # quoted rows are the literal rule's, value by value
                found.append(match.span("row"))
        for match in ECHOED_INPUT.finditer(text, timeout=self.budget.remaining()):
            found.append(match.span("value"))
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult("USER_VALUE", s, e, self._score) for s, e in self.spans(text)]
