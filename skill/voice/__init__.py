"""Speech: replies into SSML, with all the wording in phrases.yaml."""
