"""社情民意 feedback: reports, their handling, "me too", the published rates."""
