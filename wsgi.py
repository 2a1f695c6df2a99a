from training import content, create_app

app = create_app()

# Each server process reads and checks the course content as it starts, not during the first
# request it serves (about half a second for the shipped courses).
with app.app_context():
    content.library()
    _ = content.store().tracks
