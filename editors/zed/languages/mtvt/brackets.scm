; Bracket pairs for matching and rainbow brackets.
("{" @open "}" @close)
("[" @open "]" @close)
("(" @open ")" @close)
(string "\"" @open "\"" @close)
(raw_string "'" @open "'" @close)
