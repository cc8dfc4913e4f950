# ruff: noqa: E501 - demo copy reads better unwrapped
"""The rest of the demo library: categories, five more episodes and six articles.

Bodies are lists of (block type, text); "heading" and "quote" text is plain, "paragraph"
text becomes one rich-text paragraph.
"""

from datetime import date

EPISODE_403_DATE = date(2026, 11, 10)

CATEGORIES = [
    ("Back Pain", "back-pain", "Simple, brain-based tools for calmer, stronger backs."),
    (
        "Balance & Vestibular",
        "balance",
        "Your inner ear, your eyes and your feet: how balance works and how to train it.",
    ),
    ("Vision", "vision", "Eye drills for steadier movement, better focus and faster reactions."),
    (
        "Performance",
        "performance",
        "Warm-ups, mobility and skill work for athletes and active people.",
    ),
]

EPISODES = [
    {
        "number": 402,
        "duration": "5:40",
        "title": "Eye Exercises for Better Balance",
        "slug": "eye-exercises-for-better-balance",
        "date": date(2026, 11, 3),
        "categories": ["balance", "vision"],
        "tags": ["eyes", "balance"],
        "summary": "Three short eye drills that make standing on one leg feel easier — and why they work.",
        "highlights": [
            ("Why your eyes steer your balance", "0:00"),
            ("Pencil push-ups", "1:30"),
            ("Gaze stabilisation", "3:05"),
        ],
        "body": [
            (
                "paragraph",
                "Your eyes send the brain more information about where you are in space than almost any other sense. When they work well together, balance feels effortless.",
            ),
            ("heading", "Try this first"),
            (
                "paragraph",
                "Stand on one leg and note how steady you feel. Then spend a minute on the drills in the video and test again. Most people notice a difference straight away.",
            ),
            (
                "trainer_finder",
                "Want a coach to check your drills? Search trainers on our Find A Trainer page",
            ),
        ],
    },
    {
        "number": 401,
        "duration": "3:25",
        "title": "Breathing Drills to Calm Neck Tension",
        "slug": "breathing-drills-to-calm-neck-tension",
        "date": date(2026, 10, 27),
        "categories": ["back-pain"],
        "tags": ["breathing", "neck"],
        "summary": "Slow nasal breathing as a reset for a tight neck and shoulders after a long day at the desk.",
        "highlights": [
            ("Where neck tension comes from", "0:00"),
            ("The four-count breath", "1:10"),
        ],
        "body": [
            (
                "paragraph",
                "A tight neck is often a protective response. Slowing the breath is one of the quickest ways to tell the nervous system that it can stand down.",
            ),
            ("quote", "Breathe low and slow, and let the shoulders follow."),
            (
                "paragraph",
                "Practise the four-count breath for two minutes, three times a day, and notice how your range of motion changes.",
            ),
        ],
    },
    {
        "number": 400,
        "duration": "7:02",
        "title": "The Vestibular System Explained",
        "slug": "the-vestibular-system-explained",
        "date": date(2026, 10, 20),
        "categories": ["balance"],
        "tags": ["vestibular", "inner ear"],
        "summary": "A plain-language tour of the inner ear's balance organs and what happens when they are under-trained.",
        "highlights": [
            ("Canals and otoliths", "0:00"),
            ("Signs of a sleepy vestibular system", "2:00"),
            ("Easy head-turn drills", "4:15"),
        ],
        "body": [
            (
                "paragraph",
                "The vestibular system sits in your inner ear and reports every tilt, turn and acceleration of your head. It is the quiet partner of your eyes and feet.",
            ),
            ("heading", "Why it matters for pain"),
            (
                "paragraph",
                "When vestibular input is unclear, the brain tends to add muscle tension for safety. Training it gently can make movement feel safer and smoother.",
            ),
        ],
    },
    {
        "number": 399,
        "duration": "4:10",
        "title": "Ankle Mobility for Runners",
        "slug": "ankle-mobility-for-runners",
        "date": date(2026, 10, 13),
        "categories": ["performance"],
        "tags": ["running", "ankles"],
        "summary": "Five minutes of ankle circles and foot drills that help runners land softer.",
        "highlights": [("Testing your ankle range", "0:00"), ("Ankle circles done right", "1:20")],
        "body": [
            (
                "paragraph",
                "Stiff ankles make the knees and hips do extra work. A few minutes of slow, precise ankle circles before a run can change how you land.",
            ),
            (
                "paragraph",
                "Move in small, smooth circles, keep the rest of the body relaxed, and breathe.",
            ),
        ],
    },
    {
        "number": 398,
        "duration": "2:45",
        "title": "Desk Posture Resets in Two Minutes",
        "slug": "desk-posture-resets-in-two-minutes",
        "date": date(2026, 10, 6),
        "categories": ["back-pain", "performance"],
        "tags": ["posture", "desk"],
        "summary": "Quick standing resets to break up long stretches of sitting.",
        "highlights": [("Stand, breathe, reach", "0:00"), ("Spinal waves", "0:50")],
        "body": [
            (
                "paragraph",
                "Sitting is not the enemy; staying still is. Every half hour, stand up and spend two minutes moving your spine in every direction it can go.",
            ),
            (
                "trainer_finder",
                "Looking for individualized coaching? Search trainers on our Find A Trainer page",
            ),
        ],
    },
]

ARTICLES = [
    {
        "title": "Why Your Back Pain Might Be a Balance Problem",
        "slug": "why-your-back-pain-might-be-a-balance-problem",
        "author": "Dana Whitfield",
        "date": date(2026, 11, 12),
        "categories": ["back-pain", "balance"],
        "tags": ["vestibular", "back pain"],
        "summary": "The brain protects what it cannot predict. Poor balance input can show up as a stiff, sore back.",
        "body": [
            (
                "paragraph",
                "Chronic low back pain is rarely only about the back. The brain builds a picture of the body from the eyes, the inner ear and the feet, and when that picture is blurry it reaches for tension.",
            ),
            ("heading", "Three systems, one picture"),
            (
                "paragraph",
                "Vision, the vestibular system and proprioception each contribute to balance. Train the weakest of the three and the whole picture sharpens.",
            ),
            ("quote", "Pain is an output of the brain, not simply a report from the tissues."),
            (
                "paragraph",
                "Start with backward walking, simple eye drills and barefoot balance work, a few minutes a day.",
            ),
        ],
    },
    {
        "title": "Five Everyday Habits That Train Your Vestibular System",
        "slug": "five-everyday-habits-that-train-your-vestibular-system",
        "author": "Marcus Lee",
        "date": date(2026, 11, 5),
        "categories": ["balance"],
        "tags": ["vestibular", "habits"],
        "summary": "Turn your head, change your pace, walk on uneven ground: small habits that keep balance sharp.",
        "body": [
            (
                "paragraph",
                "You do not need special equipment to train the vestibular system. Everyday movement already stimulates it when you add a little variety.",
            ),
            ("heading", "The five habits"),
            (
                "paragraph",
                "Look around while you walk. Take the stairs at different speeds. Walk on grass or sand. Turn around and walk backward for a few steps. Roll on the floor with your kids.",
            ),
        ],
    },
    {
        "title": "Peripheral Vision and Athletic Performance",
        "slug": "peripheral-vision-and-athletic-performance",
        "author": "Dana Whitfield",
        "date": date(2026, 10, 29),
        "categories": ["vision", "performance"],
        "tags": ["vision", "sport"],
        "summary": "Why the best athletes seem to see everything at once, and how to widen your own field of awareness.",
        "body": [
            (
                "paragraph",
                "Peripheral vision feeds fast, unconscious decisions. Athletes who use it well react earlier and move more freely.",
            ),
            (
                "paragraph",
                "Practise by fixing your gaze on a point and naming objects at the edges of your vision without moving your eyes.",
            ),
        ],
    },
    {
        "title": "Getting Started with Retro-Walking: A Safety Checklist",
        "slug": "getting-started-with-retro-walking",
        "author": "Marcus Lee",
        "date": date(2026, 11, 19),
        "categories": ["back-pain"],
        "tags": ["backward walking"],
        "summary": "Before you walk backward outdoors, run through this short checklist.",
        "body": [
            (
                "paragraph",
                "Choose a flat, familiar path with no obstacles. Look behind you before each set. Start with ten to twenty steps and build up slowly.",
            ),
            ("heading", "Keep it smooth"),
            (
                "paragraph",
                "Stay upright, land softly and let your arms swing naturally. If you feel unsteady, shorten your steps or hold a rail.",
            ),
        ],
    },
    {
        "title": "Warm-Ups That Wake Up the Brain",
        "slug": "warm-ups-that-wake-up-the-brain",
        "author": "Priya Raman",
        "date": date(2026, 10, 22),
        "categories": ["performance"],
        "tags": ["warm-up"],
        "summary": "Swap static stretching for a few minutes of eye, balance and joint drills before training.",
        "body": [
            (
                "paragraph",
                "A good warm-up prepares the nervous system as much as the muscles. Eye movements, balance challenges and joint circles all improve the quality of the signals your brain receives.",
            ),
            (
                "paragraph",
                "Try two minutes of each before your next session and notice how your first sets feel.",
            ),
        ],
    },
    {
        "title": "How to Choose a Movement Coach",
        "slug": "how-to-choose-a-movement-coach",
        "author": "Priya Raman",
        "date": date(2026, 10, 15),
        "categories": ["performance", "back-pain"],
        "tags": ["coaching"],
        "summary": "Questions to ask before you book: assessment, individual programming and how progress is measured.",
        "body": [
            (
                "paragraph",
                "A good coach starts with an assessment, not a workout. Ask how they will test your balance, vision and mobility, and how they will measure progress.",
            ),
            (
                "trainer_finder",
                "Looking for individualized coaching? Search trainers on our Find A Trainer page",
            ),
        ],
    },
]
