"""The dashboard pages, each a Streamlit script run by st.navigation from streamlit_app.py."""
