file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
# Split into lines of 16 bytes for readable compiler diagnostics.
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" body "${body}")
file(WRITE ${OUT} "#include <string_view>\nnamespace tamkine::embedded {\nstatic const char kData[] = {\n${body}0};\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL}(kData, ${len});\n}\n")
