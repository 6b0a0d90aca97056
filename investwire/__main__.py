from investwire.cli import app

app()
