"""Input problems in the reader's language: a bilingual catalogue keyed by ``Problem.code``.

A :class:`~netsep_check.errors.Problem` carries an English ``message`` (for logs, JSON and any
code this catalogue does not know) and, where it was made at a common site, a ``code`` with
``params``. :func:`problem_text` says it in Korean or English (the message alone),
:func:`problem_line` with its file, line, column and field, and :func:`problems_text` as the
command line prints them; a code the catalogue does not know (or params that do not fit) falls
back to the English message. Everything shown passes through
:func:`~netsep_check.report._safe.visible`: a key or value quoted from a profile cannot drive
the terminal. Korean wording follows the project's terms (korean-terms.md); remediation-like
advice uses the polite "~하십시오".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsep_check.errors import Problem, cut
from netsep_check.report._safe import visible

# Type names of JSON Schema, as the two languages say them.
_TYPES: dict[str, tuple[str, str]] = {
    "boolean": ("true or false", "참·거짓 값(true 또는 false)"),
    "string": ("text", "문자열"),
    "integer": ("a whole number", "정수"),
    "number": ("a number", "숫자"),
    "array": ("a list", "목록"),
    "object": ("a mapping of keys", "키-값 매핑"),
    "null": ("null", "null"),
}
_GOT: dict[str, tuple[str, str]] = {
    "boolean": ("a boolean", "참·거짓 값"),
    "string": ("text", "문자열"),
    "number": ("a number", "숫자"),
    "array": ("a list", "목록"),
    "object": ("a mapping", "키-값 매핑"),
    "null": ("null", "null"),
}
_HINTS: dict[str, tuple[str, str]] = {
    "yaml_boolean": (" (only true and false are booleans here)",
                     " (참·거짓 값으로는 true와 false만 쓸 수 있습니다)"),
    "quote": (" (put it in quotes)", " (따옴표로 감싸십시오)"),
}

# code → (en, ko). Fields are the problem's params, prepared by _fields below.
CATALOGUE: dict[str, tuple[str, str]] = {
    "schema.unknown_key": ("unknown key {key} (expected one of: {expected}{x_hint})",
                           "알 수 없는 키 {key}입니다 (쓸 수 있는 키: {expected}{x_hint})"),
    "schema.unknown_operator": ("unknown operator {key} (known: {expected})",
                                "알 수 없는 연산자 {key}입니다 (쓸 수 있는 연산자: {expected})"),
    "schema.missing_key": ("missing required key {key}", "필수 키 {key}이(가) 없습니다"),
    "schema.more": ("... and {count} more schema error(s) not listed (only the first {shown} are "
                    "shown)",
                    "... 외 스키마 오류 {count}건은 표시하지 않았습니다 (처음 {shown}건만 표시)"),
    "problems.more": ("... and {count} more problem(s) of this kind ({kind}) not listed (only "
                      "the first {shown} are shown)",
                      "... 같은 종류({kind})의 문제 {count}건은 표시하지 않았습니다 (처음 {shown}건만 "
                      "표시)"),
    "schema.more_capped": ("... and more than {count} more schema error(s) not listed (only the "
                           "first {shown} are shown)",
                           "... 외 스키마 오류 {count}건 이상은 표시하지 않았습니다 (처음 {shown}건만 "
                           "표시)"),
    "schema.wrong_type": ("expected {expected}, got {got} {value}{hint}",
                          "{expected}이어야 하는데 {got} {value}입니다{hint}"),
    "schema.not_in_enum": ("{value} is not allowed; expected one of: {options}",
                           "{value}은(는) 허용되지 않는 값입니다 (허용되는 값: {options})"),
    "schema.not_const": ("{value} is not allowed; expected {expected}",
                         "{value}은(는) 허용되지 않는 값입니다 (요구되는 값: {expected})"),
    "schema.bad_date": ("{value} is not a real calendar date (YYYY-MM-DD)",
                        "{value}은(는) 실제 날짜가 아닙니다 (YYYY-MM-DD 형식)"),
    "schema.date_out_of_range": ("{value} is outside the years 1000 to 8999 that dates are "
                                 "reckoned in",
                                 "{value}은(는) 날짜를 셈할 수 있는 1000년부터 8999년까지의 범위를 "
                                 "벗어납니다"),
    "schema.bad_pattern": ("{value} does not have the expected form (pattern {pattern})",
                           "{value}이(가) 요구되는 형식이 아닙니다 (패턴 {pattern})"),
    "schema.not_unique": ("the list repeats an item; each item may appear once",
                          "목록에 같은 항목이 반복됩니다. 각 항목은 한 번만 쓰십시오"),
    "schema.empty": ("must not be empty", "비어 있으면 안 됩니다"),
    "schema.too_short": ("must be at least {min} characters long", "{min}자 이상이어야 합니다"),
    "schema.too_long": ("must be at most {max} characters long", "{max}자 이하여야 합니다"),
    "schema.too_few_items": ("needs at least {min} item(s)", "항목이 {min}개 이상 있어야 합니다"),
    "schema.too_many_items": ("has more than {max} item(s)", "항목은 {max}개 이하여야 합니다"),
    "schema.no_alternative": ("{value} is not valid: {reasons}",
                              "{value}은(는) 유효하지 않습니다: {reasons}"),
    "schema.more_reasons": ("other reasons not listed", "표시하지 않은 그 밖의 사유"),
    "provider.duplicate_id": ("provider {id} is recorded twice (first on line {first_line}); give "
                              "one record per provider, its latest evaluation",
                              "제공자 {id}이(가) 두 번 기재되어 있습니다 (처음 기재: {first_line}행). "
                              "제공자마다 최신 평가 기록 하나만 기재하십시오"),
    "evidence.duplicate_id": ("evidence id {id} is defined twice (first on line {first_line})",
                              "증빙 ID {id}이(가) 두 번 정의되어 있습니다 "
                              "(처음 정의: {first_line}행)"),
    "text.says_nothing": ("{value} says nothing; write what it names (a title, an approver, a "
                          "reference, a reading)",
                          "{value}은(는) 아무것도 말하지 않습니다. 실제 내용(증빙 제목, 승인자, 의결 "
                          "번호, 판단)을 쓰십시오"),
    "evidence.undefined_id": ("evidence id {id} is cited but not defined under evidence",
                              "증빙 ID {id}을(를) 제시했지만 evidence 목록에 정의되어 있지 "
                              "않습니다"),
    "file.not_found": ("no such file", "파일이 없습니다"),
    "file.is_directory": ("is a directory, not a profile file",
                          "폴더입니다. 프로파일 파일을 지정하십시오"),
    "file.unreadable": ("cannot read file: {reason}", "파일을 읽을 수 없습니다: {reason}"),
    "file.stdin_closed": ("cannot read file: standard input is closed",
                          "파일을 읽을 수 없습니다: 표준 입력이 닫혀 있습니다"),
    "output.unwritable": ("cannot write report: {reason}", "보고서를 쓸 수 없습니다: {reason}"),
    "batch.worker_lost": ("a worker process of the batch ended before finishing its profiles "
                          "(stopped from outside, for example when memory ran out); no "
                          "report was written: run again, or with fewer --jobs",
                          "일괄 검사의 작업 프로세스가 프로파일을 다 검사하기 전에 "
                          "종료되었습니다(외부에서 중단됨, 예: 메모리 부족). 보고서를 쓰지 "
                          "않았습니다. 다시 실행하거나 --jobs를 줄이십시오"),
    "output.stdout_closed": ("cannot write report: standard output is closed",
                             "보고서를 쓸 수 없습니다: 표준 출력이 닫혀 있습니다"),
    "output.reader_gone": ("cannot write report: the reader of standard output closed it "
                           "before the report was written whole",
                           "보고서를 쓸 수 없습니다: 표준 출력을 읽는 쪽이 보고서를 다 받기 전에 "
                           "닫았습니다"),
    "file.too_large": ("file is larger than the limit of {limit} bytes (raise it with "
                       "--max-size if this is a real profile)",
                       "파일이 크기 제한 {limit}바이트를 넘습니다 (실제 프로파일이면 "
                       "--max-size로 제한을 늘리십시오)"),
    "file.empty": ("file is empty", "파일이 비어 있습니다"),
    "file.utf16": ("file is UTF-16 (byte-order mark found); save it as UTF-8",
                   "파일이 UTF-16으로 저장되어 있습니다(바이트 순서 표식 있음). UTF-8로 "
                   "저장하십시오"),
    "file.utf16_no_bom": ("file looks like UTF-16 without a byte-order mark; save it as UTF-8",
                          "파일이 바이트 순서 표식 없는 UTF-16으로 보입니다. UTF-8로 "
                          "저장하십시오"),
    "file.utf32": ("file is UTF-32 (byte-order mark found); save it as UTF-8",
                   "파일이 UTF-32로 저장되어 있습니다(바이트 순서 표식 있음). UTF-8로 "
                   "저장하십시오"),
    "file.utf32_no_bom": ("file looks like UTF-32 without a byte-order mark; save it as UTF-8",
                          "파일이 바이트 순서 표식 없는 UTF-32로 보입니다. UTF-8로 "
                          "저장하십시오"),
    "file.nul_byte": ("file contains a NUL byte; a profile is UTF-8 text",
                      "파일에 NUL 바이트가 있습니다. 프로파일은 UTF-8 텍스트여야 합니다"),
    "file.bad_utf8": ("invalid UTF-8 byte {byte}; save the file as UTF-8",
                      "UTF-8이 아닌 바이트 {byte}이(가) 있습니다. 파일을 UTF-8로 저장하십시오"),
    "file.not_mapping": ("a {what} must be a mapping of keys, but the document is {kind}",
                         "{what}은(는) 키-값 매핑이어야 하는데 문서가 {kind}입니다"),
    "yaml.syntax": ("YAML syntax error: {problem}", "YAML 구문 오류: {problem}"),
    "yaml.no_document": ("file holds no YAML document (it is empty or only comments)",
                         "파일에 YAML 문서가 없습니다 (비어 있거나 주석뿐입니다)"),
    "yaml.several_documents": ("more than one YAML document in the file; a profile is one "
                               "document",
                               "파일에 YAML 문서가 둘 이상 있습니다. 프로파일은 문서 "
                               "하나여야 합니다"),
    "yaml.duplicate_key": ("duplicate key {key} (first defined on line {first_line})",
                           "키 {key}이(가) 중복되었습니다 (처음 정의: {first_line}행)"),
    "yaml.key_not_string": ("a mapping key must be a plain string",
                            "매핑의 키는 일반 문자열이어야 합니다"),
    "yaml.key_not_scalar": ("a mapping key must be a plain string, not a mapping or list",
                            "매핑의 키는 일반 문자열이어야 합니다 (매핑이나 목록은 키가 될 수 "
                            "없습니다)"),
    "yaml.merge_key": ("merge keys (<<) are not supported; write the keys out",
                       "병합 키(<<)는 지원하지 않습니다. 키를 모두 직접 쓰십시오"),
    "yaml.tag": ("tag {tag} is not allowed (only plain YAML data: no Python or custom tags)",
                 "태그 {tag}은(는) 쓸 수 없습니다 (Python 태그나 사용자 정의 태그 없이 일반 "
                 "YAML 데이터만 허용됩니다)"),
    "yaml.bad_tagged_value": ("value {value} is not a valid {tag}",
                              "값 {value}은(는) 올바른 {tag} 값이 아닙니다"),
    "yaml.alias": ("alias *{anchor} refers to no finished anchor",
                   "별칭 *{anchor}이(가) 가리키는 완결된 앵커가 없습니다"),
    "yaml.long_number": ("number {start}... has {digits} digits, far more than any profile "
                         "value; quote it if it is meant as text",
                         "{digits}자리 숫자는 프로파일 값으로 너무 깁니다. 문자열이면 따옴표로 "
                         "감싸십시오"),
    "baseline.same_profile": ("the baseline is a profile this run judges; a baseline is an "
                              "earlier profile or report (its failures would all be known)",
                              "기준(--baseline)이 이번에 점검하는 프로파일 자체입니다. 기준은 이전 "
                              "프로파일이나 보고서여야 합니다(같은 프로파일을 기준으로 삼으면 모든 위반이 "
                              "기존 위반으로 처리됩니다)"),
    "number.inexact": ("number {value} cannot be read exactly: it lies between whole "
                       "numbers, and read as a floating-point number it becomes {rounded}; "
                       "write the whole number meant",
                       "숫자 {value}은(는) 정확히 읽을 수 없습니다. 두 정수 사이의 값인데 "
                       "부동소수점으로 읽으면 {rounded}이(가) 됩니다. 의도한 정수를 쓰십시오"),
    "facts.not_a_timestamp": ("not an ISO 8601 timestamp in the years 1 to 9999 (UTC): {value}",
                              "UTC 기준 1년부터 9999년까지의 ISO 8601 시각이 아닙니다: {value}"),
    "facts.duplicate_id": ("fact {id} is given twice (first as {first}): each fact may be "
                           "stated once",
                           "측정 항목 {id}이(가) 두 번 기재되어 있습니다(처음 기재: {first}). "
                           "측정 항목은 ID마다 한 번만 기재할 수 있습니다"),
    "pack.too_many_rules": ("the pack holds {count} rules; a pack may hold at most {limit}",
                            "정책 팩의 규칙이 {count}개입니다. 정책 팩에는 규칙을 {limit}개까지 둘 "
                            "수 있습니다"),
    "output.cannot_write": ("cannot write report: {reason}", "보고서를 쓸 수 없습니다: {reason}"),
    "output.none_written": ("cannot write report: {reason}; no report was written",
                            "보고서를 쓸 수 없습니다: {reason}. 보고서를 하나도 쓰지 않았습니다"),
    "output.partly_written": ("cannot write report: {reason} (already written: {done})",
                              "보고서를 쓸 수 없습니다: {reason} (이미 쓴 보고서: {done})"),
    "file.special": ("is {kind}, not a regular file; refusing to read it",
                     "{kind}이므로 일반 파일이 아닙니다. 읽지 않습니다"),
    "file.too_deep_to_read": ("nesting too deep to read", "중첩이 너무 깊어 읽을 수 없습니다"),
    "text.lone_surrogate": ("holds a lone surrogate escape (\\ud800-\\udfff without its pair), "
                            "which is not text; write the character itself",
                            "짝이 없는 서로게이트 이스케이프(\\ud800-\\udfff)가 있어 텍스트가 "
                            "아닙니다. 문자 자체를 쓰십시오"),
    "facts.tenant_unnamed": ("tenant facts of several tenants were given, and the profile "
                             "names none (tenant.id): name its tenant",
                             "여러 테넌트의 측정 결과가 주어졌지만 프로파일에 테넌트(tenant.id)가 "
                             "없습니다. 프로파일의 테넌트를 기재하십시오"),
    "report.not_a_report": ("not a netsep-check JSON report (write one with check --format json)",
                            "netsep-check JSON 보고서가 아닙니다 (check --format json으로 "
                            "만드십시오)"),
    "report.several_profiles": ("the report holds {count} profiles' reports; diff compares one "
                                "profile (give a single report)",
                                "보고서에 프로파일 {count}건의 판정이 있습니다. diff는 프로파일 "
                                "하나를 비교하므로 보고서 하나를 주십시오"),
    "baseline.not_a_report": ("not a netsep-check JSON report (a baseline is an earlier check "
                              "--format json of the same firm)",
                              "netsep-check JSON 보고서가 아닙니다 (기준(--baseline)은 같은 회사를 "
                              "이전에 check --format json으로 점검한 보고서여야 합니다)"),
    "baseline.empty": ("the baseline report holds no report",
                       "기준(--baseline) 보고서에 판정 결과가 없습니다"),
    "baseline.other_firm": ("the baseline holds reports of {held}, not of the firm judged now "
                            "({judged}); a baseline must be an earlier report of the same firm",
                            "기준(--baseline)은 {held}의 판정이며, 이번에 점검한 회사"
                            "({judged})의 것이 아닙니다. 기준은 같은 회사의 이전 판정이어야 "
                            "합니다"),
    "bundle.not_zip": ("not a valid zip bundle: {problem}",
                       "올바른 zip 제출 묶음이 아닙니다: {problem}"),
    "bundle.unreadable": ("cannot read bundle: {reason}", "제출 묶음을 읽을 수 없습니다: {reason}"),
    "bundle.special": ("is {kind}; a bundle must be a regular file (a .zip)",
                       "{kind}입니다. 제출 묶음은 일반 파일(.zip)이어야 합니다"),
    "bundle.cannot_extract": ("cannot extract bundle: {reason}",
                              "제출 묶음을 풀 수 없습니다: {reason}"),
    "bundle.output_is_input": ("--output is {input}, an input of this bundle; refusing to "
                               "overwrite it",
                               "--output이 이 제출 묶음의 입력 파일({input})입니다. 덮어쓰지 "
                               "않습니다"),
    "bundle.output_not_file": ("cannot write bundle: not a regular file (a bundle is a zip "
                               "archive written to a file)",
                               "제출 묶음을 쓸 수 없습니다: 일반 파일이 아닙니다 (제출 묶음은 "
                               "파일로 쓰는 zip 압축 파일입니다)"),
    "bundle.cannot_write": ("cannot write bundle: {reason}", "제출 묶음을 쓸 수 없습니다: {reason}"),
    "bundle.no_member": ("not a netsep-check bundle: it has no {member}",
                         "netsep-check 제출 묶음이 아닙니다: {member}이(가) 없습니다"),
    "bundle.profile_missing": ("the bundle's profile {profile} is missing from it",
                               "제출 묶음에 프로파일 {profile}이(가) 없습니다"),
    "bundle.custom_pack": ("the bundle was sealed with pack {pack}, which is not built in; give "
                           "it with --pack DIR",
                           "제출 묶음은 기본 제공이 아닌 정책 팩 {pack}(으)로 봉인되었습니다. "
                           "--pack DIR로 그 정책 팩을 지정하십시오"),
    "waiver.approved_future": ("approved_on {approved} is in the future; a waiver is recorded "
                               "once it has been approved",
                               "승인일(approved_on) {approved}이(가) 미래 날짜입니다. 예외 승인은 "
                               "승인이 이루어진 뒤에 기재합니다"),
    "waiver.expires_before_approval": ("expires_on {expires} is before approved_on {approved}",
                                       "만료일(expires_on) {expires}이(가) 승인일(approved_on) "
                                       "{approved}보다 앞섭니다"),
    "waiver.longer_than_a_year": ("expires_on {expires} is more than one year after approved_on "
                                  "{approved} (latest allowed: {latest}); a waiver must be "
                                  "renewed at least once a year",
                                  "만료일(expires_on) {expires}이(가) 승인일(approved_on) "
                                  "{approved}부터 1년을 넘습니다(허용되는 가장 늦은 만료일: {latest}). "
                                  "예외 승인은 1년에 1회 이상 갱신해야 합니다"),
    "waiver.invisible_text": ("{field} holds no visible text",
                              "{field}에 눈에 보이는 글자가 없습니다"),
    "waiver.unknown_rule": ("unknown rule {key}: it is not a rule of the pack in use ({packs})",
                            "알 수 없는 규칙 {key}입니다. 사용 중인 정책 팩({packs})의 규칙이 "
                            "아닙니다"),
    "waiver.not_waivable": ("rule {rule} cannot be waived: it is marked waivable: false (area "
                            "{area}: {why})",
                            "규칙 {rule}은(는) 예외 승인 대상이 아닙니다. waivable: false로 "
                            "지정되어 있습니다(영역 {area}: {why})"),
    "waiver.no_firm": ("waiver {ticket} names no firm; in a batch of several profiles every "
                       "waiver must name the firm (firm.name) it excuses",
                       "예외 승인 {ticket}에 회사(firm)가 기재되어 있지 않습니다. 여러 프로파일을 "
                       "일괄 점검할 때는 모든 예외 승인에 대상 회사(firm.name)를 기재해야 합니다"),
    "pack.unknown_parameter": ("parameter {key} is not a parameter of {pack}; a new parameter "
                               "needs a description",
                               "매개변수 {key}은(는) {pack}의 매개변수가 아닙니다. 새 매개변수에는 "
                               "설명(description)이 있어야 합니다"),
    "pack.bad_days_parameter": ("parameter {key} must be a whole number of days from 0 to "
                                "{limit}, not {value}",
                                "매개변수 {key}은(는) 0부터 {limit}까지의 정수(일수)여야 합니다. "
                                "기재된 값: {value}"),
    "pack.too_many_values": ("the pack's own rule files hold more than {limit} values in all",
                             "정책 팩의 자체 규칙 파일에 있는 값이 모두 합쳐 {limit}개를 넘습니다"),
    "pack.redefines_condition": (
        "rule {rule} is a condition of the designation or the exception (waivable: false in "
        "built-in pack {pack}, {file}); a pack may not redefine it",
        "규칙 {rule}은(는) 지정의 부가조건 또는 상시 예외의 조건입니다(기본 제공 정책 팩 {pack}, {file}에서 "
        "waivable: false). 정책 팩에서 다시 정의할 수 없습니다"),
    "pack.copies_condition": (
        "rule {rule} copies {copied}, a condition of the designation or the exception, as "
        "waivable; a copy must say waivable: false",
        "규칙 {rule}은(는) 지정의 부가조건 또는 상시 예외의 조건인 {copied}을(를) 예외 승인이 "
        "가능한 규칙으로 복사했습니다. 복사한 규칙에는 waivable: false를 기재하십시오"),
    "pack.protected_parameter": (
        "parameter {key} is read by non-waivable rule(s) {rules}; a pack may not change it "
        "(built-in value: {allowed})",
        "매개변수 {key}은(는) 예외 승인이 불가능한 규칙 {rules}이(가) 참조하므로 정책 팩에서 바꿀 수 "
        "없습니다 (기본값: {allowed})"),
    "pack.builtin_id": ("pack id {id} is the id of a built-in pack; give your pack an id of its "
                        "own",
                        "정책 팩 ID {id}은(는) 기본 제공 정책 팩의 ID입니다. 정책 팩에 고유한 ID를 "
                        "지정하십시오"),
    "pack.disables_condition": (
        "cannot disable {rule}: it is not waivable (a condition of the designation or the "
        "exception)",
        "{rule}은(는) 예외 승인이 불가능한 규칙(지정의 부가조건 또는 상시 예외의 조건)이므로 비활성화할 수 "
        "없습니다"),
    "pack.no_regime": (
        "a pack must declare its regime (regime: sandbox or standing_exception) or extend a "
        "pack that does: without one it would judge a designated firm's profile without the "
        "designation's conditions (add rules of your own to a built-in pack with --policy DIR "
        "instead)",
        "정책 팩은 적용 제도(regime: sandbox 또는 standing_exception)를 기재하거나 이를 기재한 "
        "정책 팩을 확장(extends)해야 합니다. 제도가 없으면 지정의 부가조건을 적용하지 않고 "
        "지정 기업의 프로파일을 판정하게 됩니다 (기본 제공 정책 팩에 자체 규칙을 더하려면 "
        "--policy DIR을 쓰십시오)"),
    "pack.must_extend": (
        "a pack for regime {regime} must extend {base}: it lacks that pack's non-waivable rules "
        "({rules})",
        "{regime} 제도의 정책 팩은 {base}을(를) 확장(extends)해야 합니다. 이 정책 팩에는 {base}의 "
        "예외 승인이 불가능한 규칙({rules})이 없습니다"),
    "profile.too_much_to_judge": (
        "judging this profile would examine more than {limit} list elements one by one "
        "(failing elements, or elements a fast check cannot pass): it is refused rather than "
        "judged on part of them (README, Limits)",
        "이 프로파일을 점검하려면 목록 항목을 {limit}개 넘게 하나씩 검사해야 합니다(위반 항목 "
        "또는 빠른 검사로 통과를 확인할 수 없는 항목). 일부 항목만으로 판정하는 대신 이 "
        "프로파일의 점검을 거부합니다(README의 Limits 참조)"),
    "file.too_deep": ("nesting deeper than {limit} levels", "중첩이 {limit}단계보다 깊습니다"),
    "yaml.expands_too_much": ("document expands to more than {limit} values (an alias bomb, "
                              "or a file far larger than a profile)",
                              "문서를 펼치면 값이 {limit}개를 넘습니다 (별칭 폭탄이거나 "
                              "프로파일보다 훨씬 큰 파일입니다)"),
    "file.too_many_values": ("document holds more than {limit} values",
                             "문서의 값이 {limit}개를 넘습니다"),
    "json.syntax": ("JSON syntax error: {problem}", "JSON 구문 오류: {problem}"),
    "json.long_number": ("number {start}... has {digits} digits, far more than any profile "
                         "value; quote it if it is meant as text",
                         "{digits}자리 숫자는 프로파일 값으로 너무 깁니다. 문자열이면 따옴표로 "
                         "감싸십시오"),
    "json.duplicate_key": ("duplicate key {key}", "키 {key}이(가) 중복되었습니다"),
    "egress_hosts.not_a_network": ("{value} is not an IP network (expected CIDR from the "
                                   "network's first address, such as 13.107.136.0/22)",
                                   "{value}은(는) IP 대역이 아닙니다 (13.107.136.0/22처럼 대역의 "
                                   "첫 주소와 접두사 길이로 쓰십시오)"),
}

# Why a rule cannot be waived (evaluate/waivers.py): a condition of the designation or the
# exception (areas designation, scope, data, provider), or any other non-waivable rule.
_WHY_NOT_WAIVABLE: dict[bool, tuple[str, str]] = {
    True: ("a condition of the designation or of the exception itself, which no internal "
           "approval can set aside",
           "지정의 부가조건 또는 상시 예외의 조건 자체이므로 내부 승인으로 면할 수 없음"),
    False: ("no internal approval can set it aside", "내부 승인으로 면할 수 없음"),
}

# What a file that is not a regular file is (load/source.py special_kind).
_SPECIAL: dict[str, tuple[str, str]] = {
    "a directory": ("a directory", "폴더"), "a named pipe (FIFO)": ("a named pipe (FIFO)",
                                                                   "이름 있는 파이프(FIFO)"),
    "a character device": ("a character device", "문자 장치"),
    "a block device": ("a block device", "블록 장치"), "a socket": ("a socket", "소켓"),
    "not a regular file": ("not a regular file", "일반 파일이 아닌 것"),
}

# Words around the problems (the CLI's lines).
_WORDS: dict[str, tuple[str, str]] = {
    "error": ("error", "오류"),
    "count": ("{n} problems found", "문제 {n}건을 찾았습니다"),
    "count_at_least": ("more than {n} problems found", "문제를 {n}건 넘게 찾았습니다"),
    "valid": ("valid profile", "유효한 프로파일입니다"),
    "top": ("(top level)", "(최상위)"),
    "or": ("; or ", "; 또는 "),
    "none": ("none", "없음"),
    "x_hint": ("; annotations of your own go under keys named x_*",
               "; 회사 자체 주석은 x_로 시작하는 키에 쓰십시오"),
    "profile": ("profile", "프로파일"),
    "a list": ("a list", "목록"), "a string": ("a string", "문자열"),
    "a number": ("a number", "숫자"), "a boolean": ("a boolean", "참·거짓 값"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "ko" else pair[0]


def word(key: str, lang: str, **fields: Any) -> str:
    """One of the words around problems (``error``, ``count``, ``valid``) in ``lang``."""
    return _pick(_WORDS[key], lang).format(**fields)


def _quoted(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# the kinds of problem validate.capped counts (validate/profile.py, placeholders.py, naming.py)
_KINDS: dict[str, tuple[str, str]] = {
    "provider recorded twice": ("provider recorded twice", "두 번 기재된 제공자"),
    "evidence id defined twice": ("evidence id defined twice", "두 번 정의된 증빙 ID"),
    "evidence id cited but not defined": ("evidence id cited but not defined",
                                          "정의되지 않았는데 인용된 증빙 ID"),
    "template placeholder": ("template placeholder", "템플릿 자리표시자"),
    "text that says nothing": ("text that says nothing", "아무 내용도 없는 텍스트"),
}


def _fields(code: str, params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The params as the template shows them, in ``lang``."""
    fields = dict(params)
    for name in ("key", "id"):
        if name in fields:
            fields[name] = _quoted(fields[name])
    if code == "yaml.tag":
        fields["tag"] = _quoted(fields["tag"])
    elif code == "yaml.bad_tagged_value":
        fields["value"] = _quoted(fields["value"])
    if code in ("schema.unknown_key", "schema.unknown_operator"):
        expected = list(fields.get("expected") or [])
        fields["expected"] = ", ".join(expected) or word("none", lang)
        fields["x_hint"] = word("x_hint", lang) if fields.get("x_keys") else ""
    elif code == "schema.wrong_type":
        fields["expected"] = (" 또는 " if lang == "ko" else " or ").join(
            _pick(_TYPES.get(kind, (kind, kind)), lang) for kind in fields["expected"])
        fields["got"] = _pick(_GOT.get(fields["got"], (fields["got"],) * 2), lang)
        hint = fields.get("hint")
        fields["hint"] = _pick(_HINTS[hint], lang) if hint in _HINTS else ""
    elif code == "problems.more":
        fields["kind"] = _pick(_KINDS.get(fields["kind"], (fields["kind"],) * 2), lang)
        fields["count"] = f"{fields['count']:,}" if type(fields["count"]) is int else fields["count"]
    elif code == "schema.not_in_enum":
        fields["options"] = ", ".join(fields["options"])
    elif code == "schema.no_alternative":
        fields["reasons"] = word("or", lang).join(
            dict.fromkeys(_say(r.get("code"), r.get("params") or {}, r.get("message", ""), lang)
                          for r in fields["reasons"]))
    elif code == "waiver.not_waivable":
        fields["why"] = _pick(_WHY_NOT_WAIVABLE[bool(fields.pop("condition", False))], lang)
    elif code in ("file.special", "bundle.special"):
        fields["kind"] = _pick(_SPECIAL.get(fields["kind"], (fields["kind"],) * 2), lang)
    elif code == "file.not_mapping":
        what, kind = fields["what"], fields["kind"]
        fields["what"] = word(what, lang) if what in _WORDS else what
        fields["kind"] = word(kind, lang) if kind in _WORDS else kind
    return fields


def _say(code: str | None, params: Mapping[str, Any], message: str, lang: str) -> str:
    pair = CATALOGUE.get(code or "")
    if pair is None:
        return message
    try:
        return _pick(pair, lang).format(**_fields(code or "", params, lang))
    except (KeyError, IndexError, TypeError, ValueError):  # params that do not fit: English
        return message


def problem_text(problem: Problem, lang: str) -> str:
    """What is wrong, in ``lang`` (the English message for an unknown code), made visible:
    the message alone, without the file and line (see :func:`problem_line`). A message that
    quotes a long stretch of the input (a number of a million digits, a tag of megabytes) is
    cut (:func:`~netsep_check.errors.cut`) and says how many more characters there were: no
    output grows with what a message quotes."""
    text = _say(problem.code, problem.params, problem.message, lang)
    return visible(cut(text, "이하 {n:,}자 생략" if lang == "ko" else "+{n:,} characters"))


problem_message = problem_text  # the name says what it gives


def problem_line(problem: Problem, lang: str) -> str:
    """``file:line:column: path: message`` in ``lang``, every part made visible (in English,
    exactly ``str(problem)`` for a problem whose message the catalogue says)."""
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    path = problem.path
    if path == "(top level)":
        path = word("top", lang)
    field_part = f" {path}:" if path else ""
    return visible(f"{where}:{field_part} ") + problem_text(problem, lang)


def problems_text(problems: list[Problem], lang: str) -> list[str]:
    """One line per problem (``오류: ...`` / ``error: ...``), then a count when there are
    several: what the command line prints."""
    label = word("error", lang)
    lines = [f"{label}: {problem_line(p, lang)}" for p in problems]
    if len(problems) > 1:  # a "... and N more" line counts its N, not itself
        total = sum(int(p.params.get("count", 1)) if p.code in _COUNTED else 1
                    for p in problems)
        capped = any(p.code == "schema.more_capped" for p in problems)
        lines.append(word("count_at_least" if capped else "count", lang, n=f"{total:,}"))
    return lines


_COUNTED = ("schema.more", "schema.more_capped", "problems.more")
